import { AlertProbe } from './alert-probe.ts'
import { connectSlots } from './connect-pool.ts'
import type { LoadSummary } from './load-summary.ts'
import { spread } from './percentiles.ts'
import type { DeviceSlot, SlotPlan } from './site-devices.ts'
import { fireAlarmPayload, telemetryPayload } from './telemetry-payload.ts'
import type { WireConnection } from './wire-connection.ts'

export interface LoadOptions {
  url: string
  host: string
  port: number
  rate: number
  durationSec: number
  qos: 0 | 1
  alertRate: number
  token: { name: string; token: string } | null
  maxInflight: number
  tickMs: number
  drainSec: number
  connectConcurrency: number
  connectTimeoutSec: number
}

export interface LoadClock {
  /** Epoch ms: payload `ts` and alert latency. */
  wall(): number
  /** Monotonic ms: pacing, timeouts and PUBACK round trips. */
  monotonic(): number
}

export type { LoadSummary }
export type Phase = 'publishing' | 'drained'

/** Socket bytes queued before a connection counts as backed up (QoS 0 has no in-flight cap). */
const MAX_BUFFERED_BYTES = 64 * 1024
/** Missed schedule caught up at most this far back; beyond it the offer is skipped, i.e. slowed. */
const MAX_BACKLOG_SEC = 0.25
/** How long after publishing stops we still wait for alerts of the last events. */
const ALERT_GRACE_MS = 2000

/** Paces the aggregate rate over all device connections and collects the figures. */
export class LoadRun {
  private tele: { slots: DeviceSlot[]; conns: WireConnection[] } = { slots: [], conns: [] }
  private alarm: { slots: DeviceSlot[]; conns: WireConnection[] } = { slots: [], conns: [] }
  private failures: string[] = []
  private probe: AlertProbe | null = null
  private readonly ackSamples: number[] = []
  private dirty: WireConnection[] = []
  private cursor = 0
  private scheduled = 0
  private skipped = 0
  private eventsSent = 0
  private t0 = 0
  private publishMs = 0
  private drainMs = 0
  private barriersSent = 0
  private readonly cpuStart = process.cpuUsage()
  private cpuPublish: NodeJS.CpuUsage | null = null
  private cpuPublishMs = 0
  private final: LoadSummary | null = null

  constructor(
    private readonly opts: LoadOptions,
    private readonly plan: SlotPlan,
    private readonly clock: LoadClock,
    private readonly onPhase: (phase: Phase) => void,
  ) {}

  async run(): Promise<LoadSummary> {
    const onAck = (ms: number) => {
      if (this.ackSamples.length < 2_000_000) this.ackSamples.push(ms)
    }
    const settings = {
      host: this.opts.host,
      port: this.opts.port,
      keepaliveSec: 60,
      // Sizes the id space (at least 64); alarm events are few per connection and never capped.
      maxInflight: this.opts.maxInflight,
      concurrency: this.opts.connectConcurrency,
      perConnectionTimeoutMs: 10_000,
      deadline: this.clock.monotonic() + this.opts.connectTimeoutSec * 1000,
    }
    if (this.opts.alertRate > 0 && this.opts.token && this.plan.alarms.length > 0) {
      const devices = new Set(this.plan.alarms.map((s) => s.device.id))
      const login = { url: this.opts.url, ...this.opts.token, timeoutMs: 10_000 }
      this.probe = await AlertProbe.start(login, devices, () => this.clock.wall())
    }
    const tele = await connectSlots(this.plan.telemetry, settings, () => this.clock.monotonic(), onAck)
    const noop = () => {}
    const alarm =
      this.opts.alertRate > 0
        ? await connectSlots(this.plan.alarms, settings, () => this.clock.monotonic(), noop)
        : null
    this.tele = tele
    if (alarm) this.alarm = alarm
    this.failures = [...tele.failures, ...(alarm?.failures ?? [])]
    const pinger = setInterval(() => {
      for (const c of this.allConns()) c.ping()
    }, 30_000)
    try {
      if (tele.conns.length > 0) await this.publish()
      await this.drain()
      this.final = this.summary()
    } finally {
      clearInterval(pinger)
      for (const c of this.allConns()) c.end()
      await this.probe?.stop()
    }
    return this.final
  }

  private publish(): Promise<void> {
    this.onPhase('publishing')
    this.t0 = this.clock.monotonic()
    this.cpuPublish = process.cpuUsage()
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (this.tick()) return
        clearInterval(timer)
        resolve()
      }, this.opts.tickMs)
    })
  }

  /** Sends what is due; false once the duration has passed. */
  private tick(): boolean {
    const durationMs = this.opts.durationSec * 1000
    const elapsed = Math.min(this.clock.monotonic() - this.t0, durationMs)
    let due = Math.floor((this.opts.rate * elapsed) / 1000) - this.scheduled
    const maxBacklog = Math.max(1, Math.ceil(this.opts.rate * MAX_BACKLOG_SEC))
    if (due > maxBacklog) {
      this.skipped += due - maxBacklog
      this.scheduled += due - maxBacklog
      due = maxBacklog
    }
    const now = this.clock.wall()
    const { conns, slots } = this.tele
    while (due > 0) {
      const index = this.nextSendable()
      if (index < 0) break
      const slot = slots[index]!
      this.queue(conns[index]!, slot.telemetryTopic, telemetryPayload(slot.device.kind, now, slot.seq.next++))
      due--
      this.scheduled++
    }
    this.sendAlarms(elapsed, now)
    for (const conn of this.dirty) conn.flush()
    this.dirty = []
    if (elapsed < durationMs) return true
    this.publishMs = this.clock.monotonic() - this.t0
    const cpu = process.cpuUsage(this.cpuPublish ?? undefined)
    this.cpuPublishMs = Math.round((cpu.user + cpu.system) / 1000)
    this.skipped += this.offered() - this.scheduled
    return false
  }

  /** Round robin over the connections, passing over those at the in-flight cap or backed up. */
  private nextSendable(): number {
    const conns = this.tele.conns
    for (let tries = 0; tries < conns.length; tries++) {
      const index = this.cursor
      this.cursor = index + 1 === conns.length ? 0 : index + 1
      if (conns[index]!.canSend(this.opts.maxInflight, MAX_BUFFERED_BYTES)) return index
    }
    return -1
  }

  private sendAlarms(elapsed: number, now: number): void {
    const { conns, slots } = this.alarm
    if (conns.length === 0) return
    let due = Math.floor((this.opts.alertRate * elapsed) / 1000) - this.eventsSent
    // A fire alarm is never held back by the in-flight cap: the alarm path is what is measured.
    for (; due > 0; due--) {
      const index = this.eventsSent++ % conns.length
      const device = slots[index]!.device.id
      this.probe?.expect(device, now)
      this.queue(conns[index]!, slots[index]!.eventTopic, fireAlarmPayload(now), 1)
    }
  }

  private queue(conn: WireConnection, topic: Buffer, payload: string, qos = this.opts.qos): void {
    if (conn.queuedCount === 0) this.dirty.push(conn)
    conn.queuePublish(topic, payload, qos)
  }

  /**
   * Waits for the acks of what is in flight. With QoS 0 a broker that cannot keep up leaves the
   * backlog in socket buffers, invisible to the sender; so each connection then sends one QoS 1
   * reading, whose PUBACK comes only once the broker has handled everything before it.
   */
  private async drain(): Promise<void> {
    const start = this.clock.monotonic()
    const end = start + this.opts.drainSec * 1000
    if (this.opts.qos === 0 && this.t0) {
      const now = this.clock.wall()
      this.tele.conns.forEach((conn, i) => {
        if (conn.closed) return
        const slot = this.tele.slots[i]!
        this.queue(conn, slot.telemetryTopic, telemetryPayload(slot.device.kind, now, slot.seq.next++), 1)
        this.barriersSent++
      })
      for (const conn of this.dirty) conn.flush()
      this.dirty = []
    }
    const inflight = () => this.allConns().reduce((n, c) => n + c.inflight, 0)
    while (inflight() > 0 && this.clock.monotonic() < end) await sleep(20)
    this.drainMs = this.clock.monotonic() - start
    this.onPhase('drained')
    const alertsEnd = Math.min(end, this.clock.monotonic() + ALERT_GRACE_MS)
    while (this.probe && this.probe.outstanding > 0 && this.clock.monotonic() < alertsEnd) await sleep(20)
  }

  private allConns(): WireConnection[] {
    return [...this.tele.conns, ...this.alarm.conns]
  }

  private offered(): number {
    return Math.floor(this.opts.rate * this.opts.durationSec)
  }

  /** The figures so far; after run() the figures taken before the connections were closed. */
  summary(): LoadSummary {
    if (this.final) return this.final
    const sum = (conns: WireConnection[], f: (c: WireConnection) => number) =>
      conns.reduce((n, c) => n + f(c), 0)
    const { conns } = this.tele
    const sent = sum(conns, (c) => c.sent) - this.barriersSent
    const cpu = process.cpuUsage(this.cpuStart)
    const publishMs = this.publishMs || (this.t0 ? this.clock.monotonic() - this.t0 : 0)
    return {
      url: this.opts.url,
      qos: this.opts.qos,
      devices: this.plan.telemetry.length,
      connected: conns.length,
      connectFailed: this.failures.length,
      offered: this.offered(),
      offeredRate: this.opts.rate,
      sent,
      acked: this.opts.qos === 1 ? sum(conns, (c) => c.acked) : null,
      errors: sum(conns, (c) => c.errors),
      unacked: sum(conns, (c) => c.inflight),
      skipped: this.skipped,
      rate: publishMs > 0 ? Math.round(sent / (publishMs / 1000)) : 0,
      publishSeconds: Math.round(publishMs) / 1000,
      drainSeconds: Math.round(this.drainMs) / 1000,
      processedRate: publishMs > 0 ? Math.round(sent / ((publishMs + this.drainMs) / 1000)) : 0,
      barriers: this.opts.qos === 0 ? { sent: this.barriersSent, acked: sum(conns, (c) => c.acked) } : null,
      ackMs: spread(this.ackSamples),
      events: {
        sent: this.eventsSent,
        acked: sum(this.alarm.conns, (c) => c.acked),
        errors: sum(this.alarm.conns, (c) => c.errors),
      },
      alerts: this.probe?.latencies.length ?? 0,
      alertsMatched: this.probe?.matched ?? 0,
      alertsOther: this.probe?.other ?? 0,
      latencyMs: spread(this.probe?.latencies ?? []),
      alertSamples: this.probe?.samples ?? [],
      loadCpuMs: Math.round((cpu.user + cpu.system) / 1000),
      loadCpuPublishingMs: this.cpuPublishMs,
      firstFailures: this.failures.slice(0, 5),
    }
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
