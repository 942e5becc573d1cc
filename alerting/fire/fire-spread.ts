import type { AlertSignal } from '../alert.ts'
import { floorLabel } from '../alert-message.ts'
import { evidenceOf, type Sighting } from './evidence-of.ts'
import { FIRE_SPREAD } from './fire-rule-ids.ts'
import { buildingKey } from './scope-key.ts'
import type { SiteTopology } from './site-topology.ts'

/**
 * [FIRE-RULE-9] Spread: fire (a confirmed zone, or a device's own fire alarm) on two or more
 * connected floors of a building within `windowSec` - adjacent storeys, or floors sharing a riser
 * or shaft (`fire.shafts`) - raises one building-level `fire.spread` alert naming the floors in
 * the order the fire reached them; a floor joining later repeats it with the longer list.
 */
export class SpreadWatch {
  /** building -> floor -> first fire sighting on that floor within the window. */
  private readonly onsets = new Map<string, Map<number, Sighting>>()
  /** building -> floors named by the last raise. */
  private readonly sent = new Map<string, number>()

  constructor(
    private readonly topology: SiteTopology,
    private readonly windowMs: number,
  ) {}

  /** A fire-class raise (device or fire.confirmed, not a test); the spread raise it causes, if any. */
  observe(s: AlertSignal): AlertSignal | null {
    let floors = this.onsets.get(s.building)
    if (floors === undefined) {
      floors = new Map()
      this.onsets.set(s.building, floors)
    }
    const known = floors.get(s.floor)
    if (known === undefined || s.at - known.at > this.windowMs) {
      // A confirmed zone stands for its first piece of evidence (the detector that started it).
      const evidence = s.scope === 'zone' && s.evidence?.[0] ? s.evidence[0] : evidenceOf(s)
      floors.set(s.floor, { evidence, at: s.at })
    }
    const reached = this.component(s.building, floors, s.floor, s.at)
    if (reached.length < 2 || reached.length <= (this.sent.get(s.building) ?? 0)) return null
    this.sent.set(s.building, reached.length)
    const first = reached[0]!
    return {
      type: 'raise',
      device: buildingKey(s.building),
      building: s.building,
      floor: first.evidence.floor,
      zone: '',
      rule: FIRE_SPREAD,
      class: 'fire',
      metric: null,
      value: null,
      threshold: null,
      at: s.at,
      receivedAt: s.receivedAt,
      latched: true,
      detail: `floors ${reached.map((r) => floorLabel(r.evidence.floor)).join(' > ')}`,
      scope: 'building',
      evidence: reached.map((r) => r.evidence),
    }
  }

  rearm(building: string): void {
    this.sent.delete(building)
  }

  restore(building: string, floors: number): void {
    this.sent.set(building, floors)
  }

  /** The floors with fire in the window connected to `start`, in the order the fire reached them. */
  private component(building: string, floors: Map<number, Sighting>, start: number, at: number): Sighting[] {
    const recent = [...floors].filter(([, s]) => at - s.at <= this.windowMs)
    const reached = new Set<number>([start])
    const queue = [start]
    while (queue.length > 0) {
      const f = queue.pop()!
      for (const [other] of recent) {
        if (reached.has(other) || !this.topology.connected(building, f, other)) continue
        reached.add(other)
        queue.push(other)
      }
    }
    return [...reached].map((f) => floors.get(f)!).sort((a, b) => a.at - b.at)
  }
}
