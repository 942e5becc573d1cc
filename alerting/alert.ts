export const ALERT_CLASSES = ['fire', 'warning', 'supervisory', 'fault', 'offline'] as const
export type AlertClass = (typeof ALERT_CLASSES)[number]

/**
 * What an alert is about. `device` alerts come from the rule engine; the fire-aware rules
 * (alerting/fire/) raise alerts about a whole zone (fire.confirmed), a floor (floor.offline) or a
 * building (fire.spread), which have no single device.
 */
export const ALERT_SCOPES = ['device', 'zone', 'floor', 'building'] as const
export type AlertScope = (typeof ALERT_SCOPES)[number]

/** Tags carried by an alert: `test` = raised inside a test or maintenance window, not notified. */
export const ALERT_TAGS = ['test'] as const
export type AlertTag = (typeof ALERT_TAGS)[number]

/** One device-level signal that a zone- or building-level alert was derived from. */
export interface Evidence {
  device: string
  rule: string
  class: AlertClass
  floor: number
  zone: string
  /** ISO 8601 time of the signal. */
  at: string
  metric: string | null
  value: number | null
}

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/**
 * What the rule engine says about one (scope, rule): raise it, or its condition has cleared.
 * For scopes other than `device`, `device` holds the scope key (alerting/fire/scope-key.ts), so
 * that "one active alert per device and rule" (docs/protocol.md, "The Alert") becomes one per scope and rule.
 */
export interface AlertSignal {
  type: 'raise' | 'clear'
  device: string
  building: string
  floor: number
  zone: string
  rule: string
  class: AlertClass
  metric: string | null
  value: number | null
  threshold: number | null
  /** Epoch ms of the reading or event that caused the signal. */
  at: number
  /** Receipt time of that reading, for the publish-to-alert latency metric. */
  receivedAt: number
  /** Latched alerts are never cleared by the engine; a person resolves them. */
  latched: boolean
  /** Free text from the device or the rule, e.g. the event detail. */
  detail: string | null
  /** Absent = `device`. */
  scope?: AlertScope
  /** Derived alerts: the device signals behind it (replaces the alert's list on a repeat). */
  evidence?: readonly Evidence[]
  tags?: readonly AlertTag[]
  /** The id of the active alert this one is grouped under (storm control): not notified alone. */
  groupedUnder?: string | null
}

/** The public alert (docs/protocol.md, "The Alert"). */
export interface Alert {
  id: string
  building: string
  floor: number
  zone: string
  /** null for zone, floor and building alerts (see `scope`). */
  device: string | null
  class: AlertClass
  rule: string
  metric: string | null
  value: number | null
  threshold: number | null
  state: AlertState
  openedAt: string
  acknowledgedAt: string | null
  resolvedAt: string | null
  message: string
  /** Added to the first version of the Alert (docs/protocol.md, "The Alert"). */
  latched: boolean
  /** How many times the condition was reported while this alert was active. */
  repeats: number
  updatedAt: string
  scope: AlertScope
  /** What a derived alert was concluded from, oldest first; empty for device alerts. */
  evidence: Evidence[]
  tags: AlertTag[]
  /** The alert this one is grouped under (storm control), or null. */
  groupedUnder: string | null
  /** The incident the alert belongs to (alerting/incidents/). */
  incident: string | null
}

export const HISTORY_ACTIONS = [
  'opened',
  'repeated',
  'acknowledged',
  'resolved',
  'cleared',
  'escalated',
  'note',
  // A notification send attempt and its outcome (alerting/notify/).
  'notified',
  // Storm control put the alert under a group head; it is not notified on its own.
  'grouped',
] as const
export type HistoryAction = (typeof HISTORY_ACTIONS)[number]

export interface AlertHistoryEntry {
  at: string
  action: HistoryAction
  /** `system` for the engine, otherwise the token name of the person. */
  actor: string
  note: string | null
  value: number | null
}

/** One change of one alert, published on fw/{b}/alerts and to the live wall. */
export interface AlertTransition {
  action: HistoryAction
  alert: Alert
  actor: string
  at: number
  /** Receipt time of the reading behind it, when the engine caused it. */
  causeReceivedAt: number | null
}
