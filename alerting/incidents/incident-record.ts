import type { AlertClass, AlertState } from '../alert.ts'
import { isoTime, isoTimeOrNull } from '../clock-iso.ts'
import type { Disposition, Incident, IncidentAction, IncidentTimelineEntry } from './incident.ts'

/** An incident as the keeper works on it: times in epoch ms, plus its group key. */
export interface IncidentRecord {
  id: string
  building: string
  class: AlertClass
  state: AlertState
  groupKey: string
  openedAt: number
  acknowledgedAt: number | null
  acknowledgedBy: string | null
  resolvedAt: number | null
  resolvedBy: string | null
  floors: number[]
  title: string
  disposition: Disposition | null
  mergedInto: string | null
  updatedAt: number
}

export interface IncidentRow {
  id: string
  building: string
  class: string
  state: string
  group_key: string
  opened_at: number
  acknowledged_at: number | null
  acknowledged_by: string | null
  resolved_at: number | null
  resolved_by: string | null
  floors: string
  title: string
  disposition: string | null
  merged_into: string | null
  updated_at: number
}

export interface TimelineRecord {
  at: number
  action: IncidentAction
  actor: string
  alert: string | null
  floor: number | null
  note: string | null
}

export const INCIDENT_COLUMNS =
  'id, building, class, state, group_key, opened_at, acknowledged_at, acknowledged_by, resolved_at, ' +
  'resolved_by, floors, title, disposition, merged_into, updated_at'

export function incidentFromRow(row: IncidentRow): IncidentRecord {
  return {
    id: row.id,
    building: row.building,
    // The table's CHECK constraints keep these within their unions.
    class: row.class as AlertClass,
    state: row.state as AlertState,
    groupKey: row.group_key,
    openedAt: row.opened_at,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    resolvedAt: row.resolved_at,
    resolvedBy: row.resolved_by,
    floors: JSON.parse(row.floors) as number[],
    title: row.title,
    disposition: row.disposition ? (JSON.parse(row.disposition) as Disposition) : null,
    mergedInto: row.merged_into,
    updatedAt: row.updated_at,
  }
}

export function rowParams(r: IncidentRecord): IncidentRow {
  return {
    id: r.id,
    building: r.building,
    class: r.class,
    state: r.state,
    group_key: r.groupKey,
    opened_at: r.openedAt,
    acknowledged_at: r.acknowledgedAt,
    acknowledged_by: r.acknowledgedBy,
    resolved_at: r.resolvedAt,
    resolved_by: r.resolvedBy,
    floors: JSON.stringify(r.floors),
    title: r.title,
    disposition: r.disposition ? JSON.stringify(r.disposition) : null,
    merged_into: r.mergedInto,
    updated_at: r.updatedAt,
  }
}

export function incidentJson(r: IncidentRecord, alerts: string[]): Incident {
  return {
    id: r.id,
    building: r.building,
    class: r.class,
    state: r.state,
    openedAt: isoTime(r.openedAt),
    acknowledgedAt: isoTimeOrNull(r.acknowledgedAt),
    acknowledgedBy: r.acknowledgedBy,
    resolvedAt: isoTimeOrNull(r.resolvedAt),
    resolvedBy: r.resolvedBy,
    alerts,
    floors: r.floors,
    disposition: r.disposition,
    title: r.title,
    mergedInto: r.mergedInto,
    updatedAt: isoTime(r.updatedAt),
  }
}

export function timelineJson(t: TimelineRecord): IncidentTimelineEntry {
  return { at: isoTime(t.at), action: t.action, actor: t.actor, alert: t.alert, floor: t.floor, note: t.note }
}
