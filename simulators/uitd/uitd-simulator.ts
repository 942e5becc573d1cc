import net from 'node:net'
import tls from 'node:tls'
import {
  Command,
  type DataUnit,
  decodeDataUnit,
  encodeDataUnit,
  encodeFlags,
  encodeFrame,
  epochMsToTimeTag,
  type Frame,
  type SerialByteOrder,
  StreamDecoder,
  type TimeTag,
  timeTagToEpochMs,
  UITD_OPERATION_BITS,
} from '../../ingest/gbt26875/index.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import type { FrameRecorder } from './frame-recording.ts'
import { Retransmitter, type SendOutcome } from './retransmitter.ts'

export interface UitdSimulatorOptions {
  host: string
  port: number
  /** This UITD's 6-byte address (the frames' source). */
  address: number
  /** The centre's address (the frames' destination); 0 if absent. */
  centreAddress?: number
  timeZone?: string
  clock?: SimClock
  serialByteOrder?: SerialByteOrder
  /** Wait this long for a confirm, send again this many times (the standard suggests 10 s and 3). */
  retransmit?: { timeoutMs: number; retries: number }
  /** Press the patrol key when the centre asks (after delayMs), or let the check go unanswered. */
  answerPatrol?: boolean | { delayMs: number; operator?: number }
  /** 'send-data': an empty send-data frame the centre confirms (the standard's sample); 'confirm': a bare confirm. */
  heartbeat?: { everyMs: number; as?: 'send-data' | 'confirm' }
  record?: FrameRecorder
  /** Connect over TLS with these options (CA to trust, client certificate); plain TCP when absent. */
  tls?: tls.ConnectionOptions
}

/** A frame the centre sent, decoded (the unit is null for a frame with no data). */
export interface CentreFrame {
  frame: Frame
  unit: DataUnit | null
}

const NO_DATA = new Uint8Array(0)

/**
 * A user information transmission device and its fire panel, speaking GB/T 26875.3 over TCP:
 * reports part states and values, retransmits what is not confirmed, sends heartbeats, takes the
 * centre's clock, answers (or ignores) patrol checks and queries, and can record every frame.
 */
export class UitdSimulator {
  readonly received: CentreFrame[] = []
  /** Confirms received, by serial: a frame confirmed twice shows 2. */
  readonly confirms = new Map<number, number>()
  /** The centre's clock minus ours, from its last clock sync. */
  clockOffsetMs = 0
  private serial = 0
  private readonly decoder: StreamDecoder
  private readonly sender: Retransmitter
  private readonly timers: NodeJS.Timeout[] = []
  private readonly clock: SimClock
  private readonly closed: Promise<void>

  private constructor(
    private readonly socket: net.Socket,
    private readonly opts: UitdSimulatorOptions,
  ) {
    this.clock = opts.clock ?? systemClock
    this.decoder = new StreamDecoder({ serialByteOrder: opts.serialByteOrder })
    this.sender = new Retransmitter(
      (b) => this.write(b),
      opts.retransmit ?? { timeoutMs: 10_000, retries: 3 },
    )
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        for (const t of this.timers) clearTimeout(t)
        this.sender.close()
        resolve()
      }),
    )
    if (opts.heartbeat) this.timers.push(setInterval(() => void this.heartbeat(), opts.heartbeat.everyMs))
  }

  static connect(opts: UitdSimulatorOptions): Promise<UitdSimulator> {
    return new Promise((resolve, reject) => {
      const ready = () => {
        socket.off('error', reject)
        resolve(new UitdSimulator(socket, opts))
      }
      const socket = opts.tls
        ? tls.connect({ ...opts.tls, port: opts.port, host: opts.host }, ready)
        : net.connect(opts.port, opts.host, ready)
      socket.once('error', reject)
    })
  }

  get open(): boolean {
    return !this.socket.destroyed
  }

  /** Now on the UITD's clock (set by the centre), as a time tag in its zone. */
  now(): TimeTag {
    return epochMsToTimeTag(this.clock.wall() + this.clockOffsetMs, this.opts.timeZone ?? 'Asia/Shanghai')
  }

  /** Sends a data unit (command 2) and waits for the confirm, retransmitting as the standard says. */
  send(unit: DataUnit): Promise<SendOutcome> {
    const serial = this.nextSerial()
    return this.sender.send(serial, this.frame(serial, Command.sendData, encodeDataUnit(unit)))
  }

  /** The bytes of a data frame with the next serial, not sent: for a test to send them itself. */
  build(unit: DataUnit): Buffer {
    return this.frame(this.nextSerial(), Command.sendData, encodeDataUnit(unit))
  }

  async heartbeat(): Promise<SendOutcome | null> {
    const serial = this.nextSerial()
    if (this.opts.heartbeat?.as === 'confirm') {
      this.write(this.frame(serial, Command.confirm, NO_DATA))
      return null
    }
    return this.sender.send(serial, this.frame(serial, Command.sendData, NO_DATA))
  }

  /** Writes bytes as they are (a frame sent twice, garbage, a replay). */
  sendRaw(bytes: Uint8Array): void {
    this.write(Buffer.from(bytes))
  }

  async close(): Promise<void> {
    this.socket.end()
    setTimeout(() => this.socket.destroy(), 1_000).unref()
    await this.closed
  }

  private onData(chunk: Buffer): void {
    for (const report of this.decoder.push(chunk)) {
      if (!report.ok) {
        this.opts.record?.record('rx', Buffer.alloc(0), report.reason)
        continue
      }
      this.opts.record?.record('rx', report.raw)
      this.fromCentre(report.frame)
    }
  }

  private fromCentre(frame: Frame): void {
    const decoded = frame.data.length > 0 ? decodeDataUnit(frame.data) : null
    const unit = decoded?.ok ? decoded.unit : null
    this.received.push({ frame, unit })
    switch (frame.command) {
      case Command.confirm:
        this.confirms.set(frame.serial, (this.confirms.get(frame.serial) ?? 0) + 1)
        this.sender.confirmed(frame.serial)
        return
      case Command.deny:
        this.sender.denied(frame.serial)
        return
      case Command.control:
        this.control(frame, unit)
        return
      case Command.request:
        this.request(frame, unit)
        return
      default:
        this.answer(frame, Command.deny)
    }
  }

  private control(frame: Frame, unit: DataUnit | null): void {
    if (unit?.kind === 'syncUitdClock' && unit.objects[0]) {
      const set = timeTagToEpochMs(unit.objects[0].clock, this.opts.timeZone ?? 'Asia/Shanghai')
      if (set !== null) this.clockOffsetMs = set - this.clock.wall()
      this.answer(frame, Command.confirm)
      return
    }
    if (unit?.kind === 'patrol') {
      this.answer(frame, Command.confirm)
      const answer = this.opts.answerPatrol ?? true
      if (answer === false) return
      const { delayMs, operator } = answer === true ? { delayMs: 0, operator: 1 } : answer
      this.timers.push(setTimeout(() => void this.pressPatrolKey(operator ?? 1), delayMs))
      return
    }
    this.answer(frame, unit?.kind === 'initialiseUitd' ? Command.confirm : Command.deny)
  }

  private pressPatrolKey(operator: number): Promise<SendOutcome> {
    const operation = encodeFlags(UITD_OPERATION_BITS, ['patrolAnswer'])
    return this.send({ kind: 'uitdOperation', objects: [{ operation, operator, time: this.now() }] })
  }

  /** Queries about the UITD itself are answered (command 5, the request's serial); others denied. */
  private request(frame: Frame, unit: DataUnit | null): void {
    const answers: Partial<Record<string, DataUnit>> = {
      readUitdStatus: { kind: 'uitdStatus', objects: [{ status: 1, time: this.now() }] },
      readUitdSoftware: { kind: 'uitdSoftware', objects: [{ major: 1, minor: 0 }] },
      readUitdTime: { kind: 'uitdTime', objects: [{ clock: this.now() }] },
    }
    const reply = unit ? answers[unit.kind] : undefined
    if (reply) this.write(this.frame(frame.serial, Command.response, encodeDataUnit(reply)))
    else this.answer(frame, Command.deny)
  }

  private answer(to: Frame, command: number): void {
    this.write(this.frame(to.serial, command, NO_DATA))
  }

  private frame(serial: number, command: number, data: Uint8Array): Buffer {
    const { address, centreAddress = 0, serialByteOrder } = this.opts
    const header = { serial, version: { major: 1, user: 1 }, time: this.now(), command }
    return encodeFrame({ ...header, source: address, destination: centreAddress, data }, { serialByteOrder })
  }

  private nextSerial(): number {
    const serial = this.serial
    this.serial = (this.serial + 1) & 0xffff
    return serial
  }

  private write(bytes: Buffer): void {
    if (this.socket.destroyed || !this.socket.writable) return
    this.opts.record?.record('tx', bytes)
    this.socket.write(bytes)
  }
}
