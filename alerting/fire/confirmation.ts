import type { AlertSignal } from '../alert.ts'
import { evidenceOf, type Sighting } from './evidence-of.ts'
import { FIRE_CONFIRMED } from './fire-rule-ids.ts'
import type { SiteTopology, ZoneSources } from './site-topology.ts'

/**
 * A detector's own alarm, its analogue alarm, or its pre-alarm: what a zone's fire starts from. A
 * fire panel's detector or call point in fire (panel.fire) counts as a detector's alarm.
 */
const DETECTOR_RULES: ReadonlySet<string> = new Set([
  'device.fire_alarm',
  'smoke.alarm',
  'smoke.prealarm',
  'panel.fire',
])
/** A cable heating up or its insulation failing on the zone's circuits. */
const CIRCUIT_RULES: ReadonlySet<string> = new Set([
  'cable_temp.rise',
  'cable_temp.warning',
  'cable_temp.alarm',
  'residual_current.jump',
  'residual_current.alarm',
])
/** A sprinkler branch of the floor losing pressure, or flowing. */
const SPRINKLER_RULES: ReadonlySet<string> = new Set(['pressure.rapid_drop', 'sprinkler.flow'])

/**
 * [FIRE-RULE-8] Multi-sensor confirmation (docs/rules.md, "Fire-aware rules"; GB 50116-2013 §4.1.6
 * asks two independent devices before linkage). A detector alarm or pre-alarm in a zone plus, within
 * `windowSec` before or after it, a second detector of the zone, a circuit of the zone heating or
 * leaking, or a sprinkler branch of the floor dropping: a `fire.confirmed` alert for the zone,
 * listing the evidence. It only adds an alert; the device alerts were raised before it, untouched.
 */
export class Confirmation {
  /** device -> rule -> latest sighting. */
  private readonly seen = new Map<string, Map<string, Sighting>>()
  /** zone key -> how many pieces of evidence the last raise listed (a repeat only when it grows). */
  private readonly sent = new Map<string, number>()

  constructor(
    private readonly topology: SiteTopology,
    private readonly windowMs: number,
  ) {}

  /** A device raise (not a test); returns the fire.confirmed raises it causes. */
  observe(s: AlertSignal): AlertSignal[] {
    if (!DETECTOR_RULES.has(s.rule) && !CIRCUIT_RULES.has(s.rule) && !SPRINKLER_RULES.has(s.rule)) return []
    const zones = this.topology.zonesOf.get(s.device)
    if (zones === undefined) return []
    let rules = this.seen.get(s.device)
    if (rules === undefined) {
      rules = new Map()
      this.seen.set(s.device, rules)
    }
    rules.set(s.rule, { evidence: evidenceOf(s), at: s.at })
    const raised: AlertSignal[] = []
    for (const key of zones) {
      const zone = this.topology.zones.get(key)!
      const signal = this.evaluate(zone, s)
      if (signal) raised.push(signal)
    }
    return raised
  }

  /** The zone's alert was resolved by a person: the next corroborated alarm raises it anew. */
  rearm(zoneKey: string): void {
    this.sent.delete(zoneKey)
  }

  /** Restored after a restart: the zone's alert is active with this much evidence. */
  restore(zoneKey: string, evidence: number): void {
    this.sent.set(zoneKey, evidence)
  }

  private evaluate(zone: ZoneSources, cause: AlertSignal): AlertSignal | null {
    const detectors = this.hits(zone.detectors, DETECTOR_RULES, cause.at)
    if (detectors.length === 0) return null
    const circuits = this.hits(zone.circuits, CIRCUIT_RULES, cause.at)
    const sprinklers = this.hits(zone.sprinklers, SPRINKLER_RULES, cause.at)
    const twoDetectors = new Set(detectors.map((d) => d.evidence.device)).size >= 2
    if (!twoDetectors && circuits.length === 0 && sprinklers.length === 0) return null
    const all = [...detectors, ...circuits, ...sprinklers].sort((a, b) => a.at - b.at)
    if (all.length <= (this.sent.get(zone.key) ?? 0)) return null
    this.sent.set(zone.key, all.length)
    return {
      type: 'raise',
      device: zone.key,
      building: zone.building,
      floor: zone.floor,
      zone: zone.zone,
      rule: FIRE_CONFIRMED,
      class: 'fire',
      metric: null,
      value: null,
      threshold: null,
      at: cause.at,
      receivedAt: cause.receivedAt,
      latched: true,
      detail: describe(detectors, circuits, sprinklers),
      scope: 'zone',
      evidence: all.map((h) => h.evidence),
    }
  }

  /** Sightings of these devices and rules within the window around `at`. */
  private hits(devices: readonly string[], rules: ReadonlySet<string>, at: number): Sighting[] {
    const found: Sighting[] = []
    for (const device of devices) {
      const seen = this.seen.get(device)
      if (seen === undefined) continue
      for (const [rule, sighting] of seen) {
        if (rules.has(rule) && Math.abs(at - sighting.at) <= this.windowMs) found.push(sighting)
      }
    }
    return found
  }
}

function describe(detectors: Sighting[], circuits: Sighting[], sprinklers: Sighting[]): string {
  const count = (list: Sighting[]) => new Set(list.map((s) => s.evidence.device)).size
  const parts = [`${count(detectors)} detector${count(detectors) > 1 ? 's' : ''}`]
  if (circuits.length > 0) parts.push(`${count(circuits)} circuit${count(circuits) > 1 ? 's' : ''}`)
  if (sprinklers.length > 0)
    parts.push(`${count(sprinklers)} sprinkler branch${count(sprinklers) > 1 ? 'es' : ''}`)
  return `confirmed by ${parts.join(' + ')}`
}
