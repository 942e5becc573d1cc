import { z } from 'zod'
import {
  cadenceFields,
  HOUR_MS,
  type KindModel,
  type ModelContext,
  type ModelEvent,
  type ModelSpec,
  NO_EVENTS,
} from './device-model.ts'
import type { Prng } from './prng.ts'

// Fire water tank or pool level (m, docs/rules.md).

const LevelParams = z
  .object({
    level: z.number().min(0).max(20).default(2.6),
    /** Height of the tank: the level never goes above it. */
    height: z.number().positive().max(20).default(4.2),
    /** Surface sloshing seen by the sensor. */
    noise: z.number().min(0).max(0.1).default(0.003),
    ...cadenceFields(60, 10),
  })
  .strict()
export type LevelParams = z.infer<typeof LevelParams>

const behaviours = {
  /** Water drawn off (hydrants in use, drain valve open) at `rate` m/h until the level is `to`. */
  drain: z
    .object({ rate: z.number().positive().max(100).default(1.2), to: z.number().min(0).default(0) })
    .strict(),
  /** A slow leak at `rate` m/h, until `stop` or `repair`. */
  leak: z.object({ rate: z.number().positive().max(10).default(0.05) }).strict(),
  /** The refill valve or transfer pump fills at `rate` m/h up to `to`. */
  fill: z
    .object({ rate: z.number().positive().max(100).default(1.5), to: z.number().min(0).default(2.6) })
    .strict(),
  /** Draining, filling and leaking stop. */
  stop: z.object({}).strict(),
}

interface Flow {
  ratePerMs: number
  to: number
}

/** Guards the piecewise integration. */
const MAX_SEGMENTS = 100

class LevelModel implements KindModel {
  readonly metrics = ['level_m'] as const
  private level: number
  private lastT = 0
  private drain: Flow | null = null
  private fill: Flow | null = null
  private leakPerMs = 0
  private readonly params: LevelParams
  private readonly prng: Prng

  constructor({ params, prng }: ModelContext<LevelParams>) {
    this.params = params
    this.prng = prng
    this.level = params.level
  }

  sample(t: number, out: Float64Array): void {
    this.advance(t)
    out[0] = Math.max(0, this.level + this.prng.normal(this.params.noise))
  }

  behave(name: string, params: Record<string, unknown>, t: number): readonly ModelEvent[] {
    this.advance(t)
    const n = (key: string) => params[key] as number
    switch (name) {
      case 'drain':
        this.drain = { ratePerMs: n('rate') / HOUR_MS, to: n('to') }
        return NO_EVENTS
      case 'fill':
        this.fill = { ratePerMs: n('rate') / HOUR_MS, to: Math.min(n('to'), this.params.height) }
        return NO_EVENTS
      case 'leak':
        this.leakPerMs = n('rate') / HOUR_MS
        return NO_EVENTS
      case 'stop':
        this.drain = null
        this.fill = null
        this.leakPerMs = 0
        return NO_EVENTS
    }
    throw new Error(`level model has no behaviour ${name}`)
  }

  decide(): readonly ModelEvent[] {
    return NO_EVENTS
  }

  busy(): boolean {
    return this.drain !== null || this.fill !== null
  }

  /** Moves the level forward to t; a drain or a fill ends when it reaches its target level. */
  private advance(t: number): void {
    let now = this.lastT
    this.lastT = Math.max(t, this.lastT)
    for (let i = 0; i < MAX_SEGMENTS && now < t; i++) {
      const net = (this.fill?.ratePerMs ?? 0) - (this.drain?.ratePerMs ?? 0) - this.leakPerMs
      let end = t
      if (this.fill !== null && net > 0)
        end = Math.min(end, now + Math.max(0, this.fill.to - this.level) / net)
      if (this.drain !== null && net < 0)
        end = Math.min(end, now + Math.max(0, this.level - this.drain.to) / -net)
      this.level = Math.min(this.params.height, Math.max(0, this.level + net * (end - now)))
      if (end < t) {
        if (this.fill !== null && net > 0 && this.level >= this.fill.to - 1e-9) this.fill = null
        if (this.drain !== null && net < 0 && this.level <= this.drain.to + 1e-9) this.drain = null
      }
      now = end
    }
  }
}

export const levelModel: ModelSpec<LevelParams> = {
  name: 'level',
  kind: 'level_sensor',
  params: LevelParams,
  behaviours,
  create: (context) => new LevelModel(context),
}
