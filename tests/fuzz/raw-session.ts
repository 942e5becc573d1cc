import net from 'node:net'
import mqttPacket, { type Packet } from 'mqtt-packet'

/**
 * An event-driven raw MQTT connection for the fuzzer: `request` writes one packet and resolves with
 * the first answer that `matches`, or null when the gateway closes the connection instead.
 */
export class RawSession {
  private waiter: { matches: (p: Packet) => boolean; resolve: (p: Packet | null) => void } | null = null
  closed = false

  private constructor(readonly socket: net.Socket) {
    const parser = mqttPacket.parser({ protocolVersion: 4 })
    parser.on('packet', (p: Packet) => {
      if (this.waiter?.matches(p)) {
        const { resolve } = this.waiter
        this.waiter = null
        resolve(p)
      }
    })
    parser.on('error', () => socket.destroy())
    socket.on('data', (chunk) => parser.parse(chunk))
    socket.on('error', () => {})
    socket.on('close', () => {
      this.closed = true
      this.waiter?.resolve(null)
      this.waiter = null
    })
  }

  static async open(port: number, localAddress: string): Promise<RawSession> {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawSession(socket)
  }

  request(
    packet: Record<string, unknown>,
    matches: (p: Packet) => boolean,
    timeoutMs = 10_000,
  ): Promise<Packet | null | 'timeout'> {
    if (this.closed) return Promise.resolve(null)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiter = null
        resolve('timeout')
      }, timeoutMs)
      this.waiter = {
        matches,
        resolve: (p) => {
          clearTimeout(timer)
          resolve(p)
        },
      }
      this.socket.write(mqttPacket.generate(packet as unknown as Packet))
    })
  }

  close(): void {
    this.socket.destroy()
  }
}

export function connectPacket(username: string, password: string, clientId: string): Record<string, unknown> {
  return {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    keepalive: 60,
    clientId,
    username,
    password: Buffer.from(password),
  }
}
