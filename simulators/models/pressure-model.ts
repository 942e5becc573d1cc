import { z } from 'zod'
import { Duration } from '../scenario/duration.ts'
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

// Hydrant / sprinkler network pressure (MPa, docs/rules.md) kept up by a jockey (stabilising)
// pump: the standby reading is a saw-tooth between the pump's cut-in and cut-out.

const PressureParams = z
  .object({
    /** Jockey-pump cut-out: the top of the saw-tooth. */
    standby: z.number().positive().max(2.4).default(0.4),
    /** Jockey-pump cut-in, 0.07 MPa below (GB 50974 §5.3.3 design margin). */
    cutIn: z.number().positive().max(2.4).default(0.33),
    /** Natural standby pressure loss of a tight system. */
    decayPerHour: z.number().min(0).max(10).default(0.02),
    /** Net pressure gain while the jockey pump runs. */
    jockeyPerMin: z.number().positive().max(10).default(0.05),
    noise: z.number().min(0).max(0.05).default(0.002),
    ...cadenceFields(30, 2),
  })
  .strict()
  .refine((p) => p.cutIn < p.standby, { message: 'cutIn must be below standby', path: ['cutIn'] })
export type PressureParams = z.infer<typeof PressureParams>

const flow = (to: number, over: number) =>
  z
    .object({ to: z.number().min(0).default(to), over: Duration.default(over), for: Duration.optional() })
    .strict()

const behaviours = {
  /** A sprinkler head opens: the branch pressure falls to `to` within about `over`, for `for` or until `close`. */
  discharge: flow(0.12, 6_000),
  /** A pipe bursts: the pressure collapses to `to`. */
  burst: flow(0.02, 3_000),
  /** The flow ends (head replaced, pipe isolated, valve shut); the jockey pump restores the pressure. */
  close: z.object({}).strict(),
  /** A leak demanding `share` of the jockey pump's capacity (reached over `over`): above 1 it loses. */
  leak: z.object({ share: z.number().positive().max(20).default(1.2), over: Duration.default(0) }).strict(),
  /** The jockey pump fails (tripped motor, lost supply): nothing restores the pressure. */
  pump_fail: z.object({}).strict(),
  /** Leak, flow and pump failure are fixed. */
  repair: z.object({}).strict(),
  /** The main fire pump starts: a water-hammer spike to `hammer` for `hammerFor`, then `head`. */
  pump_start: z
    .object({
      head: z.number().positive().default(0.9),
      hammer: z.number().positive().default(1.35),
      hammerFor: Duration.default(1_500),
    })
    .strict(),
  pump_stop: z.object({}).strict(),
  /** End-of-line test valve opened (GB 50084 §6.5.1): `test` event, a drop by `drop` for `for`. */
  eol_test: z
    .object({
      drop: z.number().positive().default(0.08),
      for: Duration.default(120_000),
      over: Duration.default(4_000),
    })
    .strict(),
}

interface Flow {
  target: number
  tau: number
  until: number
}

/** Guards the piecewise integration against pathological parameters. */
const MAX_SEGMENTS = 10_000

class PressureModel implements KindModel {
  readonly metrics = ['pressure_mpa'] as const
  private p: number
  private lastT = 0
  private jockeyOn = false
  private pumpFailed = false
  private leak = { share: 0, start: 0, over: 0 }
  private flow: Flow | null = null
  private pump: { head: number; hammer: number; hammerUntil: number } | null = null
  private readonly decay: number
  private readonly jockey: number
  private readonly params: PressureParams
  private readonly prng: Prng

  constructor({ params, prng }: ModelContext<PressureParams>) {
    this.params = params
    this.prng = prng
    this.decay = params.decayPerHour / HOUR_MS
    this.jockey = params.jockeyPerMin / 60_000
    // Somewhere on the saw-tooth at start, as a real system would be.
    this.p = prng.between(params.cutIn, params.standby)
  }

  sample(t: number, out: Float64Array): void {
    this.advance(t)
    const hammer = this.pump !== null && t < this.pump.hammerUntil ? this.pump.hammer : 0
    out[0] = Math.max(0, Math.max(this.p, hammer) + this.prng.normal(this.params.noise))
  }

  behave(name: string, params: Record<string, unknown>, t: number): readonly ModelEvent[] {
    this.advance(t)
    const n = (key: string) => params[key] as number
    switch (name) {
      case 'discharge':
      case 'burst':
        this.flow = { target: n('to'), tau: Math.max(1, n('over') / 3), until: t + (n('for') ?? Infinity) }
        return NO_EVENTS
      case 'eol_test':
        this.flow = {
          target: Math.max(0, this.p - n('drop')),
          tau: Math.max(1, n('over') / 3),
          until: t + n('for'),
        }
        return [{ event: 'test', detail: 'end-of-line test valve opened' }]
      case 'close':
        this.flow = null
        return NO_EVENTS
      case 'leak':
        this.leak = { share: n('share'), start: t, over: n('over') }
        return NO_EVENTS
      // The transmitter only sees the pressure: a pump failure shows as pressure nobody restores.
      case 'pump_fail':
        this.pumpFailed = true
        return NO_EVENTS
      case 'repair':
        this.flow = null
        this.pumpFailed = false
        this.leak = { share: 0, start: t, over: 0 }
        return NO_EVENTS
      case 'pump_start':
        this.pump = { head: n('head'), hammer: n('hammer'), hammerUntil: t + n('hammerFor') }
        return NO_EVENTS
      // The check valve traps the pump's pressure; it bleeds off at the system's natural decay.
      case 'pump_stop':
        this.pump = null
        return NO_EVENTS
    }
    throw new Error(`pressure model has no behaviour ${name}`)
  }

  decide(): readonly ModelEvent[] {
    return NO_EVENTS
  }

  /** Report-on-change: fast while water flows, the pump runs or the pressure is out of its band. */
  busy(): boolean {
    return this.flow !== null || this.pump !== null || this.p < this.params.cutIn - 0.02
  }

  /** Moves the pressure forward to t: pump, flow, or the jockey saw-tooth, piece by piece. */
  private advance(t: number): void {
    let now = this.lastT
    this.lastT = Math.max(t, this.lastT)
    if (this.pump !== null) {
      this.p = this.pump.head + (this.p - this.pump.head) * Math.exp(-(t - now) / 3_000)
      return
    }
    if (this.flow !== null) {
      const end = Math.min(t, this.flow.until)
      this.p = this.flow.target + (this.p - this.flow.target) * Math.exp(-(end - now) / this.flow.tau)
      if (end < this.flow.until) return
      this.flow = null
      now = end
    }
    this.sawTooth(t - now, now)
  }

  private sawTooth(span: number, from: number): void {
    const { standby, cutIn } = this.params
    const decay = this.decay + this.leakRate(from)
    let rest = span
    for (let i = 0; i < MAX_SEGMENTS && rest > 0; i++) {
      if (this.jockeyOn && !this.pumpFailed) {
        const net = this.jockey - decay
        const toTop = net > 0 ? (standby - this.p) / net : Number.POSITIVE_INFINITY
        if (toTop >= rest) {
          // Water pressure does not go below zero: a jockey losing to a leak leaves an empty pipe.
          this.p = Math.max(0, this.p + net * rest)
          return
        }
        this.p = standby
        this.jockeyOn = false
        rest -= Math.max(0, toTop)
      } else {
        const toCutIn = this.pumpFailed || decay <= 0 ? Number.POSITIVE_INFINITY : (this.p - cutIn) / decay
        if (toCutIn >= rest) {
          this.p = Math.max(0, this.p - decay * rest)
          return
        }
        this.p = Math.min(this.p, cutIn)
        this.jockeyOn = true
        rest -= Math.max(0, toCutIn)
      }
    }
  }

  private leakRate(t: number): number {
    const { share, start, over } = this.leak
    if (share === 0) return 0
    const grown = over <= 0 ? 1 : Math.min(1, Math.max(0, t - start) / over)
    return share * grown * this.jockey
  }
}

export const pressureModel: ModelSpec<PressureParams> = {
  name: 'pressure',
  kind: 'pressure_sensor',
  params: PressureParams,
  behaviours,
  create: (context) => new PressureModel(context),
}
