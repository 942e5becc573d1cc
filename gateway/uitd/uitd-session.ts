import type { Socket } from 'node:net'
import {
  Command,
  decodeDataUnit,
  epochMsToTimeTag,
  type Frame,
  type FrameHeader,
  StreamDecoder,
  type StreamReport,
  timeTagToEpochMs,
} from '../../ingest/gbt26875/index.ts'
import { dispatchUnit, UPSTREAM_KINDS } from '../../ingest/panel/unit-dispatch.ts'
import { Downlink } from './uitd-downlink.ts'
import type { HubDeps, SessionHandle, UitdHub, UitdState } from './uitd-hub.ts'
import { type CloseReason, type DownlinkResult, UNIDENTIFIED } from './uitd-metrics.ts'
import type { Patrols } from './uitd-patrol.ts'
import { answerFrame, badBytesCode, commandFrame, DENY_CODES, QuietLog } from './uitd-replies.ts'
import type { DenyReason, UitdIdentity } from './uitd-types.ts'

export type AllowUitd = (sourceAddress: number, remoteIp: string) => UitdIdentity | null

export interface SessionDeps extends HubDeps {
  hub: UitdHub
  patrols: Patrols
  allow: AllowUitd
}

/**
 * One TCP connection of a UITD. Its first valid frame names it (allow(source address)); from then
 * on every valid data frame is confirmed (command 3, serial echoed) once its objects are handed to
 * the sinks, a frame it cannot accept is denied (command 6) with a reason counted, a retransmission
 * is confirmed again but not delivered twice, and the centre's own commands (clock, patrol) go out
 * through a Downlink. Frames are handled one at a time, in order; the socket is paused when
 * maxQueuedFrames wait.
 */
export class UitdSession implements SessionHandle {
  readonly remoteIp: string
  private readonly decoder: StreamDecoder
  private readonly downlink: Downlink
  private readonly quiet: QuietLog
  private state: UitdState | null = null
  private address = 0
  /** Our address as the UITD writes it (its frames' destination): the source of our commands. */
  private centre = 0
  private version = { major: 1, user: 1 }
  private queue: Promise<void> = Promise.resolve()
  private queued = 0
  private closed = false
  private readonly timers: NodeJS.Timeout[] = []

  constructor(
    private readonly socket: Socket,
    private readonly deps: SessionDeps,
  ) {
    const s = deps.settings
    this.remoteIp = (socket.remoteAddress ?? '').replace(/^::ffff:/, '')
    this.decoder = new StreamDecoder({ maxFrameBytes: s.maxFrameBytes, serialByteOrder: s.serialByteOrder })
    this.downlink = new Downlink((bytes) => this.write(bytes), s.downlink)
    this.quiet = new QuietLog(deps.log, deps.clock)
    socket.setTimeout(s.idleTimeoutMs, () => this.close('idle'))
    socket.on('data', (chunk: Buffer) => this.onData(chunk))
    socket.on('error', (err) => deps.log.debug({ err, remoteIp: this.remoteIp }, 'UITD socket error'))
    socket.once('close', () => this.closedDown())
    this.timers.push(setTimeout(() => this.identifyTimedOut(), s.identifyTimeoutMs))
  }

  get uitd(): string {
    return this.state?.identity.id ?? UNIDENTIFIED
  }

  /** Ends the connection after what was written (a deny) is sent; `now` drops it at once. */
  close(reason: CloseReason, now = false): void {
    if (this.closed) return
    this.closed = true
    this.deps.metrics.closed(reason)
    this.deps.log.info({ uitd: this.uitd, remoteIp: this.remoteIp, reason }, 'UITD connection closed')
    if (now) {
      this.socket.destroy()
      return
    }
    this.socket.end()
    // A peer that never reads its socket must not keep it open: end() waits for a flush.
    setTimeout(() => this.socket.destroy(), 2_000).unref()
  }

  sendPatrol(byte: number): Promise<DownlinkResult> {
    return this.command(Command.control, { kind: 'patrol', objects: [{ reserved: byte }] })
  }

  /** Sets the UITD's clock to the gateway's, in the UITD's time zone. */
  async syncTime(): Promise<DownlinkResult> {
    const { timeSync } = this.deps.settings
    const clock = this.tagNow()
    const reserved = timeSync !== false && timeSync.layout === 'reserved-then-time' ? { reserved: 0 } : {}
    const result = await this.command(Command.control, {
      kind: 'syncUitdClock',
      objects: [{ ...reserved, clock }],
    })
    this.deps.metrics.downlinkResult(this.uitd, 'time-sync', result)
    return result
  }

  private command(command: number, unit: Parameters<typeof commandFrame>[2]): Promise<DownlinkResult> {
    if (this.closed || !this.state) return Promise.resolve('closed')
    const { serialByteOrder } = this.deps.settings
    const frame = { version: this.version, time: this.tagNow(), centre: this.centre, uitd: this.address }
    return this.downlink.send((serial) =>
      commandFrame({ ...frame, serial }, command, unit, { serialByteOrder }),
    )
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return
    for (const report of this.decoder.push(chunk)) this.enqueue(report)
  }

  private enqueue(report: StreamReport): void {
    const max = this.deps.settings.maxQueuedFrames
    if (++this.queued >= max) this.socket.pause()
    this.queue = this.queue
      .then(() => (this.closed ? undefined : this.handle(report)))
      .catch((err) => {
        this.deps.log.warn({ err, uitd: this.uitd }, 'UITD frame handling failed; closing the connection')
        this.close('internal-error')
      })
      .finally(() => {
        if (--this.queued < Math.max(1, max / 2) && this.socket.isPaused()) this.socket.resume()
      })
  }

  private async handle(report: StreamReport): Promise<void> {
    if (!report.ok) return this.badBytes(report)
    const { frame } = report
    if (!this.state && !this.identify(frame)) return
    if (frame.source !== this.address) {
      this.deny(frame, 'address-changed')
      this.close('address-changed')
      return
    }
    this.deps.hub.seen(this.state!)
    this.deps.metrics.of(this.uitd).frames++
    await this.byCommand(frame)
  }

  private badBytes(report: Extract<StreamReport, { ok: false }>): void {
    this.deps.metrics.badFrame(this.uitd, report.reason)
    const { reason, detail, bytes } = report
    const code = badBytesCode(reason)
    this.quiet.warn(
      `${this.uitd}:${reason}`,
      { uitd: this.uitd, remoteIp: this.remoteIp, code, reason, detail, bytes },
      'bad UITD bytes',
    )
    // The standard denies a frame that fails its checks; only a frame whose header was read has a serial to echo.
    if (report.header && (reason === 'checksum' || reason === 'unknown-command'))
      this.deny(report.header, reason)
  }

  private identify(frame: Frame): boolean {
    let identity: UitdIdentity | null = null
    try {
      identity = this.deps.allow(frame.source, this.remoteIp)
    } catch (err) {
      this.deps.log.warn({ err, source: frame.source }, 'UITD allow() failed; refusing')
    }
    if (!identity) {
      const { metrics, log, sinks } = this.deps
      metrics.refuse('not-allowed')
      this.deny(frame, 'not-allowed')
      log.warn(
        { code: 'FGW_ERR_UITD_NOT_ALLOWED', source: frame.source, remoteIp: this.remoteIp },
        'UITD refused',
      )
      this.deps.hub.notify('refused', () => sinks.refused?.(frame.source, this.remoteIp))
      this.close('not-allowed')
      return false
    }
    this.address = frame.source
    this.centre = frame.destination
    this.version = frame.version
    this.state = this.deps.hub.attach(identity, this)
    this.deps.log.info({ uitd: identity.id, source: frame.source, remoteIp: this.remoteIp }, 'UITD connected')
    this.startTimeSync()
    return true
  }

  private async byCommand(frame: Frame): Promise<void> {
    const counters = this.deps.metrics.of(this.uitd)
    switch (frame.command) {
      case Command.sendData:
        return this.sendData(frame)
      case Command.response:
        // An answer to a query of ours (request/response mode): delivered, never confirmed.
        return void (await this.deliver(frame))
      case Command.confirm:
        if (this.downlink.confirmed(frame.serial)) return
        counters.heartbeats++
        if (this.deps.settings.answerBareConfirm) this.confirm(frame)
        return
      case Command.deny:
        if (!this.downlink.denied(frame.serial))
          this.deps.log.debug({ uitd: this.uitd }, 'deny for nothing of ours')
        return
      default:
        this.deny(frame, 'unexpected-command')
    }
  }

  private async sendData(frame: Frame): Promise<void> {
    if (frame.data.length === 0) {
      this.deps.metrics.of(this.uitd).heartbeats++
      return this.confirm(frame)
    }
    const now = this.deps.clock.now()
    const window = this.state!.window
    if (window.isRetransmit(frame.serial, frame.data, now)) {
      this.deps.metrics.of(this.uitd).duplicates++
      return this.confirm(frame)
    }
    const reason = await this.deliver(frame)
    if (reason) return this.deny(frame, reason)
    window.remember(frame.serial, frame.data, now)
    this.confirm(frame)
  }

  /** Decodes and hands on the data unit; the reason to deny it, or null when all went to the sinks. */
  private async deliver(frame: Frame): Promise<DenyReason | null> {
    const decoded = decodeDataUnit(frame.data)
    if (!decoded.ok) return 'length'
    const unit = decoded.unit
    if (unit.kind === 'opaque') return 'unknown-type'
    if (!UPSTREAM_KINDS.has(unit.kind)) return 'unexpected-type'
    const state = this.state!
    const { sinks, clock, hub, patrols } = this.deps
    const receivedAt = clock.now()
    const timeZone = hub.timeZoneOf(state.identity)
    const frameAt = timeTagToEpochMs(frame.time, timeZone) ?? receivedAt
    const onPatrolAnswer = (operator: number) => patrols.answered(state, operator)
    try {
      await dispatchUnit(unit, { uitd: state.identity, timeZone, frameAt, receivedAt, sinks, onPatrolAnswer })
      return null
    } catch (err) {
      this.deps.log.warn({ err, uitd: this.uitd, kind: unit.kind }, 'UITD sink failed; denying the frame')
      return 'sink-error'
    }
  }

  private confirm(frame: FrameHeader): void {
    this.deps.metrics.of(this.uitd).confirms++
    this.write(answerFrame(frame, Command.confirm, this.tagNow(), this.deps.settings))
  }

  private deny(frame: FrameHeader, reason: DenyReason): void {
    this.deps.metrics.deny(this.uitd, reason)
    const code = DENY_CODES[reason]
    this.quiet.warn(
      `${this.uitd}:deny:${reason}`,
      { uitd: this.uitd, code, reason, serial: frame.serial },
      'UITD frame denied',
    )
    this.write(answerFrame(frame, Command.deny, this.tagNow(), this.deps.settings))
  }

  private tagNow() {
    const tz = this.state ? this.deps.hub.timeZoneOf(this.state.identity) : this.deps.settings.timeZone
    return epochMsToTimeTag(this.deps.clock.now(), tz)
  }

  private write(bytes: Buffer): void {
    if (!this.socket.destroyed && this.socket.writable) this.socket.write(bytes)
  }

  private startTimeSync(): void {
    const sync = this.deps.settings.timeSync
    if (sync === false) return
    if (sync.onConnect) void this.syncTime()
    if (sync.everyMs > 0) this.timers.push(setInterval(() => void this.syncTime(), sync.everyMs))
  }

  private identifyTimedOut(): void {
    if (this.state || this.closed) return
    this.deps.metrics.refuse('identify-timeout')
    this.close('identify-timeout')
  }

  private closedDown(): void {
    this.closed = true
    for (const t of this.timers) clearTimeout(t)
    this.downlink.close()
    this.deps.metrics.connections--
    if (this.state) this.deps.hub.detach(this.state, this)
  }
}
