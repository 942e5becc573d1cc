import type { Device, MetricFamily, SiteModel } from '../../ingest/index.ts'
import { RULES_BY_KIND, type RuleParams, type RuleSpec, resolveParams } from '../rule-catalog.ts'
import { FlowRule } from './flow-rule.ts'
import { RateRule } from './rate-rule.ts'
import { SpreadRule } from './spread-rule.ts'
import { ThresholdRule } from './threshold-rule.ts'
import type { ReadingRule } from './transition.ts'

/** Params of one rule for one building while the current heightened watches are on. */
export type Tighten = (building: string, spec: RuleSpec, base: RuleParams) => RuleParams

/** A device sending more metric names than this is misbehaving; further names are not evaluated. */
export const MAX_METRICS_PER_DEVICE = 64

/** The rules evaluated for one metric name of one device, compiled on its first reading. */
export interface MetricSlot {
  readonly rules: readonly ReadingRule[]
  /** ruleIdx[i] is the index in DeviceRules.specs of rules[i]. */
  readonly ruleIdx: readonly number[]
  readonly spread: SpreadRule | null
  readonly spreadIdx: number
  readonly spreadChannel: number
  /** battery.low's index for battery_pct metrics (a reading ends a battery_low event), else -1. */
  readonly batteryIdx: number
}

/** Indexes of the rules that events and liveness drive; -1 when the kind has no such rule. */
export interface KnownRules {
  fire: number
  fault: number
  tamper: number
  battery: number
  offline: number
}

const indexByKind = new Map<string, ReadonlyMap<string, number>>(
  Object.entries(RULES_BY_KIND).map(([kind, specs]) => [kind, new Map(specs.map((s, i) => [s.id, i]))]),
)

/**
 * All rule state of one device. A rule may be raised by several sources at once (one state per
 * channel, the device's own event, an alert restored after a restart); `active` counts them so
 * that the alert, which is one per device and rule (docs/protocol.md), clears only with the last one.
 */
export class DeviceRules {
  readonly specs: readonly RuleSpec[]
  /** Effective params: defaults < site `rules` < building `rules` < device `rules`, maybe tightened. */
  readonly params: RuleParams[]
  /** The params without any heightened watch. */
  private readonly baseParams: readonly RuleParams[]
  readonly active: Uint16Array
  /** 1 while the rule is raised by a device event (fire_alarm, fault, tamper, battery_low). */
  readonly eventRaised: Uint8Array
  readonly known: KnownRules
  readonly metrics = new Map<string, MetricSlot>()
  /** Restored alerts of reading rules: 2 = not yet taken over by a state, 1 = taken over. */
  private readonly restoring: Uint8Array
  private readonly spreads: (SpreadRule | undefined)[]
  private readonly byId: ReadonlyMap<string, number>

  constructor(
    readonly index: number,
    readonly device: Device,
    site: SiteModel,
    private readonly staleMs: number,
  ) {
    this.specs = RULES_BY_KIND[device.kind]
    const building = site.building(device.building)?.rules
    this.baseParams = this.specs.map((s) => resolveParams(s, site.file.rules, building, device.rules))
    this.params = [...this.baseParams]
    const n = this.specs.length
    this.active = new Uint16Array(n)
    this.eventRaised = new Uint8Array(n)
    this.restoring = new Uint8Array(n)
    this.spreads = new Array(n)
    this.byId = indexByKind.get(device.kind)!
    const at = (id: string) => this.ruleIndex(id)
    this.known = {
      fire: at('device.fire_alarm'),
      fault: at('device.fault'),
      tamper: at('device.tamper'),
      battery: at('battery.low'),
      offline: at('device.offline'),
    }
  }

  ruleIndex(id: string): number {
    return this.byId.get(id) ?? -1
  }

  enabled(idx: number): boolean {
    return idx >= 0 && this.params[idx]!.enabled
  }

  /** The slot of a metric name, compiled on first use; null when the device has too many names. */
  slot(metric: string, family: MetricFamily): MetricSlot | null {
    const known = this.metrics.get(metric)
    if (known !== undefined) return known
    if (this.metrics.size >= MAX_METRICS_PER_DEVICE) return null
    const created = this.compile(family)
    this.metrics.set(metric, created)
    return created
  }

  /** What a signal of rule idx quotes as threshold: the level, the delta of rate rules, or null. */
  thresholdOf(idx: number): number | null {
    const type = this.specs[idx]!.type
    if (type === 'event' || type === 'offline') return null
    const p = this.params[idx]!
    return type === 'above' || type === 'below' ? p.threshold : p.delta
  }

  raised(idx: number): void {
    this.active[idx]!++
  }

  /** One source of rule idx ended; true when it was the last, so the alert itself clears. */
  cleared(idx: number): boolean {
    if (this.active[idx] === 0) return false
    if (--this.active[idx]! > 0) return false
    this.restoring[idx] = 0
    return true
  }

  /** A device event raises rule idx; false when the rule is absent or disabled here. */
  raiseByEvent(idx: number): boolean {
    if (!this.enabled(idx)) return false
    if (this.eventRaised[idx] === 0) {
      this.eventRaised[idx] = 1
      this.raised(idx)
    }
    return true
  }

  /** A device event (or reading) ends the event source of rule idx; true when the alert clears. */
  clearByEvent(idx: number): boolean {
    if (idx < 0 || this.eventRaised[idx] === 0 || this.params[idx]!.latch) return false
    this.eventRaised[idx] = 0
    return this.cleared(idx)
  }

  /** A raise by event that could not be delivered is taken back. */
  dropEvent(idx: number): void {
    if (this.eventRaised[idx] === 0) return
    this.eventRaised[idx] = 0
    this.cleared(idx)
  }

  /**
   * A heightened watch began or ended (alerting/schedules): every rule's params become
   * `tighten(spec, base)`, and compiled threshold states take them over without losing their state.
   */
  retune(tighten: Tighten): void {
    for (let i = 0; i < this.specs.length; i++) {
      this.params[i] = tighten(this.device.building, this.specs[i]!, this.baseParams[i]!)
    }
    for (const slot of this.metrics.values()) {
      for (let i = 0; i < slot.rules.length; i++) slot.rules[i]!.retune?.(this.params[slot.ruleIdx[i]!]!)
    }
  }

  /** A person resolved the alert: every source of rule idx is forgotten. */
  rearm(idx: number): void {
    for (const slot of this.metrics.values()) {
      for (let i = 0; i < slot.rules.length; i++) if (slot.ruleIdx[i] === idx) slot.rules[i]!.reset()
    }
    this.spreads[idx]?.reset()
    this.eventRaised[idx] = 0
    this.restoring[idx] = 0
    this.active[idx] = 0
  }

  /**
   * The alert of rule idx was open before a restart. Event rules count it as raised by the event;
   * reading rules start their states raised (also those compiled later, until the alert clears),
   * so hysteresis and clear hold end it as usual. The offline rule is the engine's (OfflineWatch).
   */
  restore(idx: number): void {
    if (this.active[idx]! > 0 || !this.enabled(idx)) return
    const type = this.specs[idx]!.type
    if (type === 'offline') return
    if (type === 'event') {
      this.raiseByEvent(idx)
      return
    }
    this.restoring[idx] = 2
    this.active[idx] = 1
    for (const slot of this.metrics.values()) {
      for (let i = 0; i < slot.rules.length; i++) if (slot.ruleIdx[i] === idx) this.adopt(idx, slot.rules[i]!)
    }
    const spread = this.spreads[idx]
    if (spread) this.adopt(idx, spread)
  }

  private adopt(idx: number, state: Pick<ReadingRule, 'active' | 'forceActive'>): void {
    if (this.restoring[idx] === 0 || state.active) return
    state.forceActive()
    // The first state takes over the placeholder count of the restored alert; later ones add to it.
    if (this.restoring[idx] === 2) this.restoring[idx] = 1
    else this.raised(idx)
  }

  private compile(family: MetricFamily): MetricSlot {
    const rules: ReadingRule[] = []
    const ruleIdx: number[] = []
    let spreadIdx = -1
    for (let i = 0; i < this.specs.length; i++) {
      const spec = this.specs[i]!
      if (spec.family !== family || !this.params[i]!.enabled) continue
      if (spec.type === 'spread') spreadIdx = i
      const rule = readingRule(spec, this.params[i]!)
      if (rule === null) continue
      this.adopt(i, rule)
      rules.push(rule)
      ruleIdx.push(i)
    }
    const spread = spreadIdx < 0 ? null : this.spreadOf(spreadIdx)
    const spreadChannel = spread === null ? -1 : spread.addChannel()
    return {
      rules,
      ruleIdx,
      spread: spreadChannel < 0 ? null : spread,
      spreadIdx,
      spreadChannel,
      batteryIdx: family === 'battery_pct' ? this.known.battery : -1,
    }
  }

  private spreadOf(idx: number): SpreadRule {
    let spread = this.spreads[idx]
    if (spread === undefined) {
      spread = new SpreadRule(this.params[idx]!, this.staleMs)
      this.spreads[idx] = spread
      this.adopt(idx, spread)
    }
    return spread
  }
}

function readingRule(spec: RuleSpec, params: RuleParams): ReadingRule | null {
  switch (spec.type) {
    case 'above':
      return new ThresholdRule(params, true)
    case 'below':
      return new ThresholdRule(params, false)
    case 'drop':
      return new RateRule(params, true)
    case 'rise':
      return new RateRule(params, false)
    case 'flow':
      return new FlowRule(params)
    default:
      return null
  }
}
