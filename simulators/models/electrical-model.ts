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

// Electrical-fire monitor (docs/rules.md, "Default rules by kind"): residual current per circuit and cable
// temperature per phase, which follows the square of the load with a thermal lag.

const Channel = z
  .string()
  .regex(/^[a-z0-9_-]{1,16}$/, 'a channel name: lower-case letters, digits, "_" or "-"')

const ElectricalParams = z
  .object({
    circuits: z.array(Channel).min(1).max(8).default(['main']),
    /** Natural leakage of a healthy circuit (GB 50116 commentary: often 100-200 mA on big boards). */
    leakage: z.number().min(0).max(1000).default(60),
    /** Circuits differ from the mean by up to this share. */
    leakageSpread: z.number().min(0).max(1).default(0.3),
    leakageNoise: z.number().min(0).max(100).default(2),
    phases: z.array(Channel).min(1).max(8).default(['l1', 'l2', 'l3']),
    ambient: z.number().min(-20).max(60).default(28),
    /** Temperature rise above ambient at full load (load 1.0). */
    riseAtFullLoad: z.number().min(0).max(100).default(35),
    /** Mean load factor and its daily swing. */
    load: z.number().min(0).max(2).default(0.45),
    loadSwing: z.number().min(0).max(1).default(0.1),
    /** Thermal time constant of the cable. */
    tauMin: z.number().positive().max(600).default(20),
    noise: z.number().min(0).max(5).default(0.15),
    ...cadenceFields(60, 5),
  })
  .strict()
export type ElectricalParams = z.infer<typeof ElectricalParams>

const behaviours = {
  /** Insulation breaking down on one circuit: leakage grows (accelerating) to `to` mA over `over`. */
  leakage: z
    .object({
      circuit: Channel.optional(),
      to: z.number().min(0).default(320),
      over: Duration.default(600_000),
    })
    .strict(),
  /** The load factor moves to `to` over `over` (1.0 = rated current). */
  load: z.object({ to: z.number().min(0).max(3).default(1), over: Duration.default(600_000) }).strict(),
  /** One phase carries `share` more than its part of the load; the others less. */
  imbalance: z.object({ phase: Channel.optional(), share: z.number().min(0).max(3).default(0.8) }).strict(),
  /** A hot spot (loose terminal, smouldering insulation) adds up to `to` degC over `over`, on one phase or all. */
  overheat: z
    .object({
      phase: Channel.optional(),
      to: z.number().positive().default(40),
      over: Duration.default(1_800_000),
    })
    .strict(),
  /** The residual-current transformer of a circuit opens: it reads 0 and the monitor reports a fault. */
  ct_open: z.object({ circuit: Channel.optional() }).strict(),
  /** Leakage, hot spots, imbalance and open transformers are fixed; the load stays. */
  repair: z.object({}).strict(),
}

interface Growth {
  index: number
  from: number
  to: number
  start: number
  over: number
}

class ElectricalModel implements KindModel {
  readonly metrics: readonly string[]
  private readonly nc: number
  private readonly base: number[]
  private readonly temps: number[]
  private leaks: Growth[] = []
  private spots: Growth[] = []
  private openCts = new Set<number>()
  private imbalance: { index: number; share: number } | null = null
  private loadRamp = { from: 0, to: 0, start: 0, over: 0 }
  private lastT = 0
  private readonly p: ElectricalParams
  private readonly prng: Prng

  constructor({ params, prng }: ModelContext<ElectricalParams>) {
    this.p = params
    this.prng = prng
    this.nc = params.circuits.length
    this.metrics = [
      ...params.circuits.map((c) => `residual_current_ma:${c}`),
      ...params.phases.map((ph) => `temperature_c:${ph}`),
    ]
    this.base = params.circuits.map(() => params.leakage * (1 + prng.between(-1, 1) * params.leakageSpread))
    this.loadRamp = { from: params.load, to: params.load, start: 0, over: 0 }
    this.temps = params.phases.map((_, i) => this.targetTemp(i, 0))
  }

  sample(t: number, out: Float64Array): void {
    for (let c = 0; c < this.nc; c++) {
      const leak = this.base[c]! + grown(this.leaks, c, t) + this.prng.normal(this.p.leakageNoise)
      out[c] = this.openCts.has(c) ? 0 : Math.max(0, leak)
    }
    const lag = 1 - Math.exp(-Math.max(0, t - this.lastT) / (this.p.tauMin * 60_000))
    this.lastT = Math.max(t, this.lastT)
    for (let i = 0; i < this.temps.length; i++) {
      this.temps[i]! += (this.targetTemp(i, t) - this.temps[i]!) * lag
      out[this.nc + i] = this.temps[i]! + grown(this.spots, i, t) + this.prng.normal(this.p.noise)
    }
  }

  behave(name: string, params: Record<string, unknown>, t: number): readonly ModelEvent[] {
    const n = (key: string) => params[key] as number
    const circuit = this.channel(this.p.circuits, params.circuit)
    const phase = params.phase === undefined ? -1 : this.channel(this.p.phases, params.phase)
    switch (name) {
      case 'leakage':
        this.leaks = regrow(this.leaks, circuit, n('to') - this.base[circuit]!, t, n('over'))
        return NO_EVENTS
      case 'load':
        this.loadRamp = { from: this.loadAt(t), to: n('to'), start: t, over: n('over') }
        return NO_EVENTS
      case 'imbalance':
        this.imbalance = { index: Math.max(0, phase), share: n('share') }
        return NO_EVENTS
      case 'overheat':
        for (let i = 0; i < this.p.phases.length; i++) {
          if (phase < 0 || phase === i) this.spots = regrow(this.spots, i, n('to'), t, n('over'))
        }
        return NO_EVENTS
      case 'ct_open':
        this.openCts.add(circuit)
        return [{ event: 'fault', detail: `residual-current transformer open: ${this.p.circuits[circuit]}` }]
      case 'repair':
        return this.repair()
    }
    throw new Error(`electrical model has no behaviour ${name}`)
  }

  decide(): readonly ModelEvent[] {
    return NO_EVENTS
  }

  busy(t: number): boolean {
    const growing = (g: Growth) => t < g.start + g.over
    return (
      this.leaks.some(growing) || this.spots.some(growing) || t < this.loadRamp.start + this.loadRamp.over
    )
  }

  private repair(): readonly ModelEvent[] {
    const hadOpenCt = this.openCts.size > 0
    this.leaks = []
    this.spots = []
    this.openCts.clear()
    this.imbalance = null
    return hadOpenCt ? [{ event: 'fault_cleared', detail: 'transformer reconnected' }] : NO_EVENTS
  }

  private loadAt(t: number): number {
    const r = this.loadRamp
    const ramped =
      r.over <= 0 ? r.to : r.from + (r.to - r.from) * Math.min(1, Math.max(0, t - r.start) / r.over)
    return Math.max(0, ramped + this.p.loadSwing * Math.sin((2 * Math.PI * t) / DAY_MS - Math.PI / 2))
  }

  private targetTemp(phase: number, t: number): number {
    let load = this.loadAt(t)
    const im = this.imbalance
    if (im !== null) {
      const others = Math.max(1, this.p.phases.length - 1)
      load *= phase === im.index ? 1 + im.share : Math.max(0, 1 - im.share / others)
    }
    return this.p.ambient + this.p.riseAtFullLoad * load * load
  }

  /** Index of a named channel; the first one when none is named (validated by checkStep). */
  private channel(names: readonly string[], name: unknown): number {
    return name === undefined ? 0 : Math.max(0, names.indexOf(name as string))
  }
}

/** A new growth of one channel replaces the old one, starting from where that one had got to. */
function regrow(list: Growth[], index: number, to: number, t: number, over: number): Growth[] {
  const from = grown(list, index, t)
  return [...list.filter((g) => g.index !== index), { index, from, to, start: t, over }]
}

/** Quadratic growth of the entries of one channel: slow at first, accelerating, then held. */
function grown(list: readonly Growth[], index: number, t: number): number {
  let sum = 0
  for (const g of list) {
    if (g.index !== index || t < g.start) continue
    const u = g.over <= 0 ? 1 : Math.min(1, (t - g.start) / g.over)
    sum += g.from + (g.to - g.from) * u * u
  }
  return sum
}

export const electricalModel: ModelSpec<ElectricalParams> = {
  name: 'electrical',
  kind: 'electrical_monitor',
  params: ElectricalParams,
  behaviours,
  create: (context) => new ElectricalModel(context),
  checkStep(params, _behaviour, step) {
    const circuit = step.circuit as string | undefined
    if (circuit !== undefined && !params.circuits.includes(circuit)) {
      return {
        field: 'circuit',
        message: `no circuit ${circuit}; the device has ${params.circuits.join(', ')}`,
      }
    }
    const phase = step.phase as string | undefined
    if (phase !== undefined && !params.phases.includes(phase)) {
      return { field: 'phase', message: `no phase ${phase}; the device has ${params.phases.join(', ')}` }
    }
    return null
  },
}
