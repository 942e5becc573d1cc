import type { IncidentSettings } from '../../ingest/index.ts'
import type { AlertRecord } from '../alert-record.ts'
import { FIRE_CONFIRMED, FIRE_SPREAD } from '../fire/fire-rule-ids.ts'

// Which incident an alert belongs to (docs/rules.md, "Incidents"). An alert joins the active
// incident of its group key; one active incident per key (a unique index) makes two incidents of
// one situation impossible. Storm control's grouping (groupedUnder) comes first: an alert grouped
// under a confirmed fire or a floor going dark is part of that head's incident.

/** A building's fire: every fire alarm of the building while its fire incident is active. */
export const fireKey = (building: string) => `fire:${building}`
/** A device's own alerts of any class (its pre-alarm, then its alarm). */
export const deviceKey = (device: string) => `device:${device}`

/** The group key of an alert that is not grouped under another one. */
export function groupKeyOf(alert: AlertRecord, settings: IncidentSettings): string {
  // A test window's alerts are one situation: the test of that building.
  if (alert.tags.includes('test')) return `test:${alert.building}`
  if (alert.class === 'fire') return fireKey(alert.building)
  if (alert.scope !== 'device') return `${alert.scope}:${alert.device}`
  return settings.deviceTogether ? deviceKey(alert.device) : `alert:${alert.id}`
}

/** Members that make the situation materially worse, beyond a new floor or class. */
export const MATERIAL_RULES: ReadonlySet<string> = new Set([FIRE_CONFIRMED, FIRE_SPREAD])
