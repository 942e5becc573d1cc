import type { AlertClass, AlertState } from '../alert.ts'

/**
 * How a person closed an incident (the false-alarm rate per building and device comes from it).
 * `test`: a drill or a test window; `unknown`: nobody said.
 */
export const DISPOSITIONS = ['real_fire', 'false_alarm', 'test', 'unknown'] as const
export type DispositionKind = (typeof DISPOSITIONS)[number]

/** Why a false alarm happened; free text is kept in `note`. */
export const FALSE_ALARM_CAUSES = [
  'cooking',
  'steam',
  'dust',
  'smoking',
  'insects',
  'fault',
  'other',
] as const
export type FalseAlarmCause = (typeof FALSE_ALARM_CAUSES)[number]

export interface Disposition {
  kind: DispositionKind
  cause: FalseAlarmCause | null
  note: string | null
  by: string
  /** ISO 8601. */
  at: string
}

export const INCIDENT_ACTIONS = [
  'opened',
  'member_added',
  'floor_reached',
  'class_changed',
  'acknowledged',
  'resolved',
  // Another incident of the same situation was folded into this one (storm control grouped it).
  'merged',
  'note',
  // Paging (alerting/notify/): who was paged, updated or sent the all-clear, and each escalation step.
  'notified',
  'escalated',
] as const
export type IncidentAction = (typeof INCIDENT_ACTIONS)[number]

/** The public incident (docs/protocol.md, "Incidents"). */
export interface Incident {
  id: string
  building: string
  /** The most severe class among its members (fire > warning > supervisory > fault > offline). */
  class: AlertClass
  state: AlertState
  openedAt: string
  acknowledgedAt: string | null
  acknowledgedBy: string | null
  resolvedAt: string | null
  resolvedBy: string | null
  /** Member alert ids, oldest first. */
  alerts: string[]
  /** Floors of its members, in the order the situation reached them. */
  floors: number[]
  disposition: Disposition | null
  title: string
  /** Extensions: when it was folded into another incident, that one's id. */
  mergedInto: string | null
  updatedAt: string
}

export interface IncidentTimelineEntry {
  at: string
  action: IncidentAction
  actor: string
  /** The member alert the entry is about, if any. */
  alert: string | null
  floor: number | null
  note: string | null
}

/**
 * One change of one incident, published on fw/{b}/incidents and to the live wall. `material`: the
 * situation grew in a way the people paged must hear of (a new floor, a confirmation, spread, a
 * more severe class); notifications send at most one update per window for these.
 */
export interface IncidentTransition {
  action: IncidentAction
  incident: Incident
  actor: string
  at: number
  alert: string | null
  material: boolean
}

const SEVERITY: readonly AlertClass[] = ['fire', 'warning', 'supervisory', 'fault', 'offline']

/** Lower is more severe. */
export function severityOf(c: AlertClass): number {
  return SEVERITY.indexOf(c)
}

export function moreSevere(a: AlertClass, b: AlertClass): AlertClass {
  return severityOf(a) <= severityOf(b) ? a : b
}
