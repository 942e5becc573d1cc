import { parseMetricName } from '../../ingest/metrics-catalog.ts'
import type { SensorDevice } from '../../ingest/site/site-schema.ts'
import type { Cadence, KindModel, ModelEvent } from './device-model.ts'
import { MetricOverlays, type OverlayStep } from './metric-overlays.ts'
import type { Prng } from './prng.ts'

/**
 * What a simulated device does, in order: open its MQTT connection (with a retained `offline`
 * Last Will), publish on its topics, or lose / close the connection. Runners turn these into
 * ingest calls (virtual time) or into real MQTT traffic (live).
 */
export type SimMessage =
  | { type: 'connect'; device: SensorDevice; t: number }
  | { type: 'telemetry'; device: SensorDevice; t: number; payload: string; readings: number }
  | { type: 'event'; device: SensorDevice; t: number; payload: string }
  | { type: 'status'; device: SensorDevice; t: number; payload: 'online' | 'offline' }
  /** will = true: the connection is lost and the broker publishes the Last Will. */
  | { type: 'disconnect'; device: SensorDevice; t: number; will: boolean }

/** Steps about the connection, common to every kind. */
export type ConnectionStep =
  | { do: 'disconnect'; will: boolean; for?: number }
  | { do: 'reconnect' }
  | { do: 'silence'; for?: number }
  | { do: 'resume' }

const DECIMALS: Record<string, number> = {
  smoke_dbm: 3,
  temperature_c: 1,
  pressure_mpa: 3,
  level_m: 3,
  residual_current_ma: 1,
  battery_pct: 0,
  rssi_dbm: 0,
}

/** Cadence jitter (+-2 %): real device clocks drift, so a fleet does not report in lockstep. */
const JITTER = 0.02

export interface SimDeviceOptions {
  device: SensorDevice
  model: KindModel
  cadence: Cadence
  prng: Prng
  /** Epoch ms that scenario time 0 stands for; payload `ts` = origin + t. */
  origin: number
}

/** One simulated device: a kind model plus everything common to all kinds. */
export class SimDevice {
  readonly device: SensorDevice
  /** Scenario time of the next wake-up (a report, a reconnect, the end of a silence). */
  nextAt: number
  private readonly model: KindModel
  private readonly prng: Prng
  private readonly origin: number
  private readonly reportMs: number
  private readonly activeMs: number
  private readonly names: string[]
  private readonly scales: number[]
  private readonly values: Float64Array
  private readonly last: number[]
  private readonly overlays = new MetricOverlays()
  private seq = 0
  private connected = false
  private reconnectAt = Number.POSITIVE_INFINITY
  private silentUntil = Number.NEGATIVE_INFINITY

  constructor(options: SimDeviceOptions) {
    this.device = options.device
    this.model = options.model
    this.prng = options.prng
    this.origin = options.origin
    this.reportMs = options.cadence.reportSec * 1000
    this.activeMs = options.cadence.activeSec * 1000
    this.names = [...this.model.metrics]
    this.scales = this.names.map(scaleOf)
    this.values = new Float64Array(this.names.length)
    this.last = this.names.map(() => Number.NaN)
    // First report somewhere in the first interval: devices of a site did not all boot at once.
    this.nextAt = Math.floor(this.prng.next() * this.reportMs)
  }

  /** Scenario start: the device connects and announces itself. */
  start(t: number): SimMessage[] {
    return this.connect(t)
  }

  /** Called when nextAt is due: reconnect or resume if it is time, then report. */
  wake(t: number): SimMessage[] {
    const out: SimMessage[] = []
    if (!this.connected && t >= this.reconnectAt) out.push(...this.connect(t))
    if (t >= this.silentUntil) this.silentUntil = Number.NEGATIVE_INFINITY
    if (!this.connected || this.silentUntil > t) {
      this.nextAt = this.connected ? this.silentUntil : this.reconnectAt
      return out
    }
    out.push(this.telemetry(t))
    for (const e of this.model.decide(t, this.values)) out.push(this.event(e, t))
    const interval = this.model.busy(t) || this.overlays.size > 0 ? this.activeMs : this.reportMs
    this.nextAt = t + Math.max(1, Math.round(interval * (1 + this.prng.between(-JITTER, JITTER))))
    return out
  }

  /** A behaviour of the kind model (smoulder, discharge, ...). */
  behave(name: string, params: Record<string, unknown>, t: number): SimMessage[] {
    const events = this.model.behave(name, params, t)
    this.reportSoon(t)
    return this.speaking(t) ? events.map((e) => this.event(e, t)) : []
  }

  overlay(step: OverlayStep, t: number): void {
    if (step.do === 'release') {
      this.overlays.release(step.metric === undefined ? null : this.indexOf(step.metric))
    } else {
      const i = this.indexOf(step.metric)
      this.overlays.apply(step, i, t, this.last[i]!)
    }
    this.reportSoon(t)
  }

  /** A device event given by the scenario (`do: event`); nothing while disconnected or silent. */
  reportEvent(event: ModelEvent, t: number): SimMessage[] {
    return this.speaking(t) ? [this.event(event, t)] : []
  }

  connection(step: ConnectionStep, t: number): SimMessage[] {
    switch (step.do) {
      case 'disconnect': {
        if (!this.connected) return []
        this.connected = false
        this.reconnectAt = step.for === undefined ? Number.POSITIVE_INFINITY : t + step.for
        this.nextAt = this.reconnectAt
        const bye: SimMessage[] = step.will
          ? []
          : [{ type: 'status', device: this.device, t, payload: 'offline' }]
        return [...bye, { type: 'disconnect', device: this.device, t, will: step.will }]
      }
      case 'reconnect':
        this.reconnectAt = t
        this.nextAt = t
        return []
      case 'silence':
        this.silentUntil = step.for === undefined ? Number.POSITIVE_INFINITY : t + step.for
        this.nextAt = this.silentUntil
        return []
      case 'resume':
        this.silentUntil = Number.NEGATIVE_INFINITY
        this.nextAt = t
        return []
    }
  }

  private connect(t: number): SimMessage[] {
    this.connected = true
    this.reconnectAt = Number.POSITIVE_INFINITY
    return [
      { type: 'connect', device: this.device, t },
      { type: 'status', device: this.device, t, payload: 'online' },
    ]
  }

  private speaking(t: number): boolean {
    return this.connected && this.silentUntil <= t
  }

  private reportSoon(t: number): void {
    if (this.speaking(t)) this.nextAt = Math.min(this.nextAt, t)
  }

  private telemetry(t: number): SimMessage {
    this.model.sample(t, this.values)
    let body = ''
    let readings = 0
    for (let i = 0; i < this.names.length; i++) {
      const measured = i < this.values.length ? this.values[i]! : Number.NaN
      const raw = this.overlays.value(i, t, measured, this.prng)
      if (Number.isNaN(raw)) continue
      const value = Math.round(raw * this.scales[i]!) / this.scales[i]!
      if (i < this.values.length) this.values[i] = value
      this.last[i] = value
      body += `${readings === 0 ? '' : ','}"${this.names[i]}":${value}`
      readings++
    }
    this.seq++
    const payload = `{"ts":${this.origin + t},"seq":${this.seq},"metrics":{${body}}}`
    return { type: 'telemetry', device: this.device, t, payload, readings }
  }

  private event(e: ModelEvent, t: number): SimMessage {
    const payload = JSON.stringify({ ts: this.origin + t, event: e.event, detail: e.detail })
    return { type: 'event', device: this.device, t, payload }
  }

  /** Index of a metric name; one outside the model is added and reported while it has an overlay. */
  private indexOf(metric: string): number {
    const i = this.names.indexOf(metric)
    if (i >= 0) return i
    this.names.push(metric)
    this.scales.push(scaleOf(metric))
    this.last.push(Number.NaN)
    return this.names.length - 1
  }
}

function scaleOf(metric: string): number {
  const family = parseMetricName(metric)?.family
  return 10 ** (family === undefined ? 3 : (DECIMALS[family] ?? 3))
}
