import net from 'node:net'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import mqttPacket, { type Packet } from 'mqtt-packet'

/** A bare TCP connection speaking MQTT 3.1.1 packet by packet (malformed ones included). */
export interface RawMqtt {
  socket: net.Socket
  packets: Packet[]
  send(packet: Record<string, unknown>): void
  /** Resolves with the first packet of that type, or null when the socket closes first. */
  next(cmd: Packet['cmd'], timeoutMs?: number): Promise<Packet | null>
  closed: Promise<void>
}

export async function rawMqtt(port: number, localAddress = '127.0.0.1'): Promise<RawMqtt> {
  const socket = net.connect({ port, host: '127.0.0.1', localAddress })
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.on('error', () => {})
  const packets: Packet[] = []
  const parser = mqttPacket.parser({ protocolVersion: 4 })
  parser.on('packet', (p: Packet) => packets.push(p))
  parser.on('error', () => socket.destroy())
  socket.on('data', (chunk) => parser.parse(chunk))
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()))
  return {
    socket,
    packets,
    closed,
    send: (packet) => socket.write(mqttPacket.generate(packet as unknown as Packet)),
    async next(cmd, timeoutMs = 5_000) {
      const started = packets.length
      for (let waited = 0; waited < timeoutMs; waited += 10) {
        const found = packets.find((p) => p.cmd === cmd)
        if (found) return found
        if (socket.destroyed && packets.length === started) return null
        await new Promise((r) => setTimeout(r, 10))
      }
      throw new Error(`no ${cmd} within ${timeoutMs} ms`)
    },
  }
}

/** The CONNACK return code of a login from `localAddress`, or 'closed' when the socket just closed. */
export async function rawLogin(
  port: number,
  login: { username?: string; password?: string; clientId?: string; localAddress?: string },
): Promise<{ code: number | 'closed'; session: RawMqtt }> {
  const session = await rawMqtt(port, login.localAddress)
  session.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    keepalive: 30,
    clientId: login.clientId ?? `raw-${Math.random().toString(36).slice(2, 10)}`,
    ...(login.username !== undefined ? { username: login.username } : {}),
    ...(login.password !== undefined ? { password: Buffer.from(login.password) } : {}),
  })
  const connack = (await session.next('connack', 20_000)) as { returnCode?: number } | null
  return { code: connack?.returnCode ?? 'closed', session }
}

/** An mqtt.js client whose TCP connection starts from `localAddress` (another "source address"). */
export function clientFrom(localAddress: string, port: number, options: IClientOptions): Promise<MqttClient> {
  const client = new mqtt.MqttClient(() => net.connect({ port, host: '127.0.0.1', localAddress }), {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
    ...options,
  })
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('error', (err) => {
      client.end(true)
      reject(err)
    })
  })
}
