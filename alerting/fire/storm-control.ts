import type { Alert } from '../alert.ts'
import type { AlertLifecycle } from '../alert-lifecycle.ts'
import { FIRE_CONFIRMED, FLOOR_OFFLINE } from './fire-rule-ids.ts'

// [FIRE-RULE-11] Storm control (docs/rules.md): a real incident makes hundreds of alerts. While a
// building has an active confirmed fire, its warnings, faults and offline alerts are grouped
// under that fire: recorded and visible, but not notified one by one - the fire's notification
// is the group's. A floor going offline at once groups its devices' offline alerts the same way.

const GROUPED_CLASSES: ReadonlySet<string> = new Set(['warning', 'fault', 'offline'])
/** More than any storm has active alerts in one building; a bound for the query, not a limit. */
const SCAN_LIMIT = 100_000

/** The building's oldest active, real (not test) confirmed fire: the head storm alerts join. */
export function stormHead(lifecycle: AlertLifecycle, building: string): Alert | undefined {
  const fires = lifecycle.list({ states: ['open', 'acknowledged'], building, class: 'fire', limit: 1000 })
  let head: Alert | undefined
  // Newest first: the last match is the oldest.
  for (const a of fires) if (a.rule === FIRE_CONFIRMED && !a.tags.includes('test')) head = a
  return head
}

/** A confirmed fire opened: the building's active warnings, faults and offline alerts join it. */
export function groupUnderFire(lifecycle: AlertLifecycle, head: Alert): void {
  const active = lifecycle.list({
    states: ['open', 'acknowledged'],
    building: head.building,
    limit: SCAN_LIMIT,
  })
  for (const a of active) {
    if (GROUPED_CLASSES.has(a.class) && a.groupedUnder === null) lifecycle.group(a.id, head.id)
  }
}

/** A floor went offline: its devices' active offline alerts join the floor alert. */
export function groupUnderFloor(lifecycle: AlertLifecycle, floor: Alert): void {
  const active = lifecycle.list({
    states: ['open', 'acknowledged'],
    building: floor.building,
    class: 'offline',
    limit: SCAN_LIMIT,
  })
  for (const a of active) {
    if (a.rule === FLOOR_OFFLINE || a.floor !== floor.floor || a.groupedUnder !== null) continue
    lifecycle.group(a.id, floor.id)
  }
}
