import { z } from 'zod'
import { Duration } from '../scenario/duration.ts'
import {
  cadenceFields,
  DAY_MS,
  type KindModel,
  type ModelContext,
  type ModelEvent,
  type ModelSpec,
  NO_EVENTS,
} from './device-model.ts'
import type { Prng } from './prng.ts'

// Point smoke detector reporting obscuration (dB/m, docs/rules.md) plus its own alarm decision.

const SmokeParams = z
  .object({
    /** Clean-air obscuration. */
    baseline: z.number().min(0).max(0.2).default(0.02),
    noise: z.number().min(0).max(0.05).default(0.003),
    /** Chamber contamination makes the clean-air reading creep up (EN 54-7 §4.8 drift). */
    driftPerDay: z.number().min(0).max(0.05).default(0.002),
    /** The detector's own certified alarm setting and how many samples confirm it. */
    alarmDbm: z.number().positive().default(0.3),
    alarmSamples: z.number().int().min(1).max(10).default(2),
    battery: z.number().min(0).max(100).default(96),
    batteryPerDay: z.number().min(0).max(1000).default(0.02),
    /** Below this the detector sends battery_low, on every dip (cheap firmware has no hysteresis). */
    lowBattery: z.number().min(0).max(100).default(15),
    temperature: z.number().min(-40).max(80).default(22),
    rssi: z.number().max(0).default(-72),
    ...cadenceFields(60, 5),
  })
  .strict()
export type SmokeParams = z.infer<typeof SmokeParams>

const min = (m: number) => m * 60_000
const behaviours = {
  /** A smouldering fire: slow, accelerating growth (quadratic) to `to` over `over`, then it stays. */
  smoulder: z.object({ to: z.number().positive().default(0.45), over: Duration.default(min(20)) }).strict(),
  /** A flaming fire: fast growth, 95 % of `to` after `over`, with heat. */
  flame: z.object({ to: z.number().positive().default(1.5), over: Duration.default(min(3)) }).strict(),
  /** Dust blown into the chamber: a short bump to `peak` lasting `for`. */
  dust: z.object({ peak: z.number().positive().default(0.1), for: Duration.default(90_000) }).strict(),
  /** Steam from a shower or kettle: quick rise to `peak`, slower decay, gone after `for`. */
  steam: z.object({ peak: z.number().positive().default(0.18), for: Duration.default(min(4)) }).strict(),
  /** Fire put out and the floor vented: smoke fades to clean air over `over`. */
  extinguish: z.object({ over: Duration.default(min(10)) }).strict(),
  /** Pulled off its base: tamper (base switch) and fault (head missing); the chamber reads ~0. */
  remove: z.object({ detail: z.string().max(200).optional() }).strict(),
  /** Put back on its base: the detector sends `reset`. */
  refit: z.object({}).strict(),
}

interface Fire {
  flaming: boolean
  to: number
  over: number
  start: number
  /** Set by `extinguish`: from then on this fire's smoke fades over fadeOver. */
  fadeStart: number
  fadeOver: number
}

interface Transient {
  steam: boolean
  peak: number
  start: number
  length: number
}

class SmokeModel implements KindModel {
  readonly metrics = ['smoke_dbm', 'temperature_c', 'battery_pct', 'rssi_dbm'] as const
  private fires: Fire[] = []
  private transients: Transient[] = []
  private removed = false
  private alarmRun = 0
  private alarmed = false
  private batteryLow = false
  private readonly p: SmokeParams
  private readonly prng: Prng

  constructor({ params, prng }: ModelContext<SmokeParams>) {
    this.p = params
    this.prng = prng
  }

  sample(t: number, out: Float64Array): void {
    const p = this.p
    let smoke = p.baseline + (p.driftPerDay * t) / DAY_MS + this.prng.normal(p.noise)
    let heat = 0
    // A fire is forgotten once vented down to 1 % of its smoke.
    this.fires = this.fires.filter((f) => fadeOf(f, t) >= 0.01)
    for (const f of this.fires) {
      const fade = fadeOf(f, t)
      const u = Math.max(0, t - f.start) / f.over
      const share = f.flaming ? 1 - Math.exp(-3 * u) : Math.min(1, u * u)
      smoke += f.to * share * fade * (1 + this.prng.normal(0.04))
      heat += (f.flaming ? 45 : 3) * share * fade
    }
    this.transients = this.transients.filter((tr) => t < tr.start + tr.length)
    for (const tr of this.transients) {
      const u = (t - tr.start) / tr.length
      const shape = tr.steam ? (u < 0.2 ? u / 0.2 : Math.exp((-3 * (u - 0.2)) / 0.8)) : Math.sin(Math.PI * u)
      smoke += tr.peak * Math.max(0, shape) * (1 + this.prng.normal(0.08))
      if (tr.steam) heat += 6 * shape
    }
    out[0] = this.removed ? Math.abs(this.prng.normal(0.002)) : Math.max(0, smoke)
    out[1] = p.temperature + heat + this.prng.normal(0.1)
    out[2] = Math.max(0, p.battery - (p.batteryPerDay * t) / DAY_MS)
    out[3] = Math.min(0, p.rssi + this.prng.normal(2))
  }

  behave(name: string, params: Record<string, unknown>, t: number): readonly ModelEvent[] {
    switch (name) {
      case 'smoulder':
      case 'flame':
        this.fires.push(newFire(name === 'flame', params, t))
        return NO_EVENTS
      case 'dust':
      case 'steam':
        this.transients.push({
          steam: name === 'steam',
          peak: num(params.peak),
          start: t,
          length: num(params.for),
        })
        return NO_EVENTS
      case 'extinguish':
        this.extinguish(t, Math.max(1, num(params.over)))
        return NO_EVENTS
      case 'remove':
        this.removed = true
        return [
          {
            event: 'tamper',
            detail: (params.detail as string | undefined) ?? 'detector removed from its base',
          },
          { event: 'fault', detail: 'sensor head missing' },
        ]
      case 'refit':
        this.removed = false
        return [{ event: 'reset', detail: 'detector refitted to its base' }]
    }
    throw new Error(`smoke model has no behaviour ${name}`)
  }

  /** Every fire burning now starts to fade; a fire lit later is not affected. */
  private extinguish(t: number, over: number): void {
    for (const f of this.fires) {
      if (!Number.isNaN(f.fadeStart)) continue
      f.fadeStart = t
      f.fadeOver = over
    }
  }

  decide(_t: number, values: Float64Array): readonly ModelEvent[] {
    const smoke = values[0]!
    const battery = values[2]!
    let events: ModelEvent[] | null = null
    if (!this.removed) {
      this.alarmRun = smoke >= this.p.alarmDbm ? this.alarmRun + 1 : 0
      if (smoke < this.p.alarmDbm / 2) this.alarmed = false
      if (!this.alarmed && this.alarmRun >= this.p.alarmSamples) {
        this.alarmed = true
        events = [{ event: 'fire_alarm', detail: `obscuration ${smoke} dB/m` }]
      }
    }
    const low = battery < this.p.lowBattery
    if (low && !this.batteryLow) {
      events = [...(events ?? []), { event: 'battery_low', detail: `battery ${battery} %` }]
    }
    this.batteryLow = low
    return events ?? NO_EVENTS
  }

  busy(t: number): boolean {
    return this.fires.length > 0 || this.transients.some((tr) => t < tr.start + tr.length)
  }
}

function newFire(flaming: boolean, params: Record<string, unknown>, t: number): Fire {
  return {
    flaming,
    to: num(params.to),
    over: Math.max(1, num(params.over)),
    start: t,
    fadeStart: Number.NaN,
    fadeOver: 1,
  }
}

/** Share of a fire's smoke left after `extinguish` (1 before it). */
function fadeOf(f: Fire, t: number): number {
  if (Number.isNaN(f.fadeStart) || t < f.fadeStart) return 1
  return Math.exp((-3 * (t - f.fadeStart)) / f.fadeOver)
}

const num = (v: unknown): number => v as number

export const smokeModel: ModelSpec<SmokeParams> = {
  name: 'smoke',
  kind: 'smoke_detector',
  params: SmokeParams,
  behaviours,
  create: (context) => new SmokeModel(context),
}
