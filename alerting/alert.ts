export const ALERT_CLASSES = ['fire', 'warning', 'supervisory', 'fault', 'offline'] as const
export type AlertClass = (typeof ALERT_CLASSES)[number]

export const ALERT_STATES = ['open', 'acknowledged', 'resolved'] as const
export type AlertState = (typeof ALERT_STATES)[number]

/** What the rule engine says about one (device, rule): raise it, or its condition has cleared. */
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
}

/** The public alert (CONTRACT.md "Alert"). */
export interface Alert {
  id: string
  building: string
  floor: number
  zone: string
  device: string
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
  /** Extensions beyond the contract. */
  latched: boolean
  /** How many times the condition was reported while this alert was active. */
  repeats: number
  updatedAt: string
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
