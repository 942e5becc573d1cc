import net from 'node:net'
import mqttPacket from 'mqtt-packet'
import { encodePublish } from './publish-packet.ts'

export interface WireLogin {
  host: string
  port: number
  clientId: string
  username: string
  password: string
  keepaliveSec: number
  timeoutMs: number
  /** Sizes the message id space; the caller must not exceed it. */
  maxInflight: number
}

/** Receives each PUBACK's round trip; kept outside so that all connections feed one histogram. */
export type AckListener = (roundTripMs: number) => void

/**
 * One device's MQTT 3.1.1 connection over a raw socket: mqtt-packet for CONNECT and for parsing
 * what the broker sends, hand-encoded PUBLISHes queued per pacing tick and written in one call.
 */
export class WireConnection {
  inflight = 0
  sent = 0
  acked = 0
  /** Publishes lost: queued after the socket closed, or still unacknowledged when it closed. */
  errors = 0
  closed = false
  closeReason: string | null = null
  private nextId = 1
  private queued: Buffer[] = []
  // Indexed by message id. Ids cycle through twice the in-flight cap, not all 65,535: a thousand
  // connections with 512 KiB of send times each would cost the generator half a gigabyte.
  private readonly sentAt: Float64Array
  private readonly maxId: number

  private constructor(
    private readonly socket: net.Socket,
    private readonly monotonic: () => number,
    private readonly onAck: AckListener,
    maxInflight: number,
  ) {
    this.maxId = Math.min(65535, Math.max(64, 2 * maxInflight))
    this.sentAt = new Float64Array(this.maxId + 1)
  }

  static open(login: WireLogin, monotonic: () => number, onAck: AckListener): Promise<WireConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: login.host, port: login.port, noDelay: true })
      const conn = new WireConnection(socket, monotonic, onAck, login.maxInflight)
      const parser = mqttPacket.parser({ protocolVersion: 4 })
      let settled = false
      const fail = (why: string) => {
        if (settled) return
        settled = true
        clearTimeout(timer)
        socket.destroy()
        reject(new Error(`${login.clientId}: ${why}`))
      }
      const timer = setTimeout(() => fail(`no CONNACK within ${login.timeoutMs} ms`), login.timeoutMs)
      parser.on('packet', (packet) => {
        if (packet.cmd === 'puback') return conn.acknowledged(packet.messageId ?? 0)
        if (packet.cmd !== 'connack' || settled) return
        // [MQTT-3.2.2.3] return code 0 accepts; 4 = bad user name or password, 5 = not authorised.
        if (packet.returnCode !== 0) return fail(`CONNACK refused with code ${packet.returnCode}`)
        settled = true
        clearTimeout(timer)
        resolve(conn)
      })
      parser.on('error', (err) => conn.close(`protocol error: ${err.message}`))
      socket.on('data', (chunk) => parser.parse(chunk))
      socket.on('error', (err) => {
        fail(err.message)
        conn.close(err.message)
      })
      socket.on('close', () => {
        fail('connection closed before CONNACK')
        conn.close('closed by the broker')
      })
      socket.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true,
          clientId: login.clientId,
          keepalive: login.keepaliveSec,
          username: login.username,
          password: Buffer.from(login.password),
        }),
      )
    })
  }

  get queuedCount(): number {
    return this.queued.length
  }

  /** True when one more publish fits under the in-flight cap and the socket is not backed up. */
  canSend(maxInflight: number, maxBufferedBytes: number): boolean {
    return !this.closed && this.inflight < maxInflight && this.socket.writableLength < maxBufferedBytes
  }

  queuePublish(topic: Buffer, payload: string, qos: 0 | 1): void {
    if (this.closed) {
      this.errors++
      return
    }
    let id = 0
    if (qos === 1) {
      id = this.nextId
      this.nextId = id === this.maxId ? 1 : id + 1
      this.sentAt[id] = this.monotonic()
      this.inflight++
    }
    this.queued.push(encodePublish(topic, payload, qos, id))
    this.sent++
  }

  /** Writes what this tick queued in one syscall. */
  flush(): void {
    if (this.queued.length === 0) return
    const chunk = this.queued.length === 1 ? this.queued[0]! : Buffer.concat(this.queued)
    this.queued = []
    if (!this.closed) this.socket.write(chunk)
  }

  ping(): void {
    if (!this.closed) this.socket.write(PINGREQ)
  }

  /** Polite end: DISCONNECT, then close; anything still in flight counts as an error. */
  end(): void {
    if (this.closed) return
    this.socket.end(DISCONNECT)
    this.close('ended by the load generator', false)
  }

  private acknowledged(id: number): void {
    if (this.inflight === 0) return
    this.inflight--
    this.acked++
    this.onAck(this.monotonic() - (this.sentAt[id] ?? 0))
  }

  private close(reason: string, destroy = true): void {
    if (this.closed) return
    this.closed = true
    this.closeReason = reason
    this.errors += this.inflight + this.queued.length
    this.inflight = 0
    this.queued = []
    if (destroy) this.socket.destroy()
  }
}

const PINGREQ = Buffer.from([0xc0, 0x00])
const DISCONNECT = Buffer.from([0xe0, 0x00])
