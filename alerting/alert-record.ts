import type {
  Alert,
  AlertClass,
  AlertHistoryEntry,
  AlertScope,
  AlertState,
  AlertTag,
  Evidence,
  HistoryAction,
} from './alert.ts'
import { isoTime, isoTimeOrNull } from './clock-iso.ts'

/** An alert as the lifecycle works on it: times in epoch ms, plus what the JSON does not show. */
export interface AlertRecord {
  id: string
  building: string
  floor: number
  zone: string
  /** The device id, or for other scopes the scope key (alerting/fire/scope-key.ts). */
  device: string
  class: AlertClass
  rule: string
  metric: string | null
  value: number | null
  threshold: number | null
  state: AlertState
  openedAt: number
  acknowledgedAt: number | null
  resolvedAt: number | null
  updatedAt: number
  message: string
  latched: boolean
  repeats: number
  /** Free text from the signal (event detail); part of the message. */
  detail: string | null
  scope: AlertScope
  evidence: Evidence[]
  tags: AlertTag[]
  groupedUnder: string | null
  incidentId: string | null
}

/** One history entry, times in epoch ms. */
export interface HistoryRecord {
  at: number
  action: HistoryAction
  actor: string
  note: string | null
  value: number | null
}

/** A row of the `alerts` table (column names as in SQL). */
export interface AlertRow {
  id: string
  building: string
  floor: number
  zone: string
  device: string
  class: string
  rule: string
  metric: string | null
  value: number | null
  threshold: number | null
  state: string
  opened_at: number
  acknowledged_at: number | null
  resolved_at: number | null
  updated_at: number
  message: string
  latched: number
  repeats: number
  detail: string | null
  scope: string
  /** JSON arrays; null when empty. */
  evidence: string | null
  tags: string | null
  grouped_under: string | null
  incident_id: string | null
}

export function recordFromRow(row: AlertRow): AlertRecord {
  return {
    id: row.id,
    building: row.building,
    floor: row.floor,
    zone: row.zone,
    device: row.device,
    // The CHECK constraints of the table keep these two within their unions.
    class: row.class as AlertClass,
    rule: row.rule,
    metric: row.metric,
    value: row.value,
    threshold: row.threshold,
    state: row.state as AlertState,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    resolvedAt: row.resolved_at,
    updatedAt: row.updated_at,
    message: row.message,
    latched: row.latched === 1,
    repeats: row.repeats,
    detail: row.detail,
    scope: row.scope as AlertScope,
    evidence: row.evidence ? (JSON.parse(row.evidence) as Evidence[]) : [],
    tags: row.tags ? (JSON.parse(row.tags) as AlertTag[]) : [],
    groupedUnder: row.grouped_under,
    incidentId: row.incident_id,
  }
}

/** Named parameters for the insert and update statements. */
export function paramsFromRecord(r: AlertRecord): Record<string, string | number | null> {
  return {
    id: r.id,
    building: r.building,
    floor: r.floor,
    zone: r.zone,
    device: r.device,
    class: r.class,
    rule: r.rule,
    metric: r.metric,
    value: r.value,
    threshold: r.threshold,
    state: r.state,
    opened_at: r.openedAt,
    acknowledged_at: r.acknowledgedAt,
    resolved_at: r.resolvedAt,
    updated_at: r.updatedAt,
    message: r.message,
    latched: r.latched ? 1 : 0,
    repeats: r.repeats,
    detail: r.detail,
    scope: r.scope,
    evidence: r.evidence.length > 0 ? JSON.stringify(r.evidence) : null,
    tags: r.tags.length > 0 ? JSON.stringify(r.tags) : null,
    grouped_under: r.groupedUnder,
    incident_id: r.incidentId,
  }
}

/** The public JSON shape (docs/protocol.md, "The Alert"). */
export function alertFromRecord(r: AlertRecord): Alert {
  return {
    id: r.id,
    building: r.building,
    floor: r.floor,
    zone: r.zone,
    device: r.scope === 'device' ? r.device : null,
    class: r.class,
    rule: r.rule,
    metric: r.metric,
    value: r.value,
    threshold: r.threshold,
    state: r.state,
    openedAt: isoTime(r.openedAt),
    acknowledgedAt: isoTimeOrNull(r.acknowledgedAt),
    resolvedAt: isoTimeOrNull(r.resolvedAt),
    message: r.message,
    latched: r.latched,
    repeats: r.repeats,
    updatedAt: isoTime(r.updatedAt),
    scope: r.scope,
    evidence: r.evidence,
    tags: r.tags,
    groupedUnder: r.groupedUnder,
    incident: r.incidentId,
  }
}

export function historyEntryFromRecord(h: HistoryRecord): AlertHistoryEntry {
  return { at: isoTime(h.at), action: h.action, actor: h.actor, note: h.note, value: h.value }
}
