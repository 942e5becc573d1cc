import { isoTime, isoTimeOrNull } from '../alerting/clock-iso.ts'
import type { CloseOutEvidence } from './close-out.ts'
import type { Actor, EvidenceRow, HazardAction, HazardRow, TrailRow } from './hazard.ts'
import { allowedActions } from './hazard-rights.ts'

/** A hazard as the API answers it (JSON times in UTC ISO; the deadline as written, in site time). */
export interface HazardJson {
  id: number
  code: string
  building: string
  location: { floor: number | null; zone: string | null; place: string | null }
  category: string
  severity: HazardRow['severity']
  description: string
  source: HazardRow['source']
  state: HazardRow['state']
  responsible: { name: string; contact: string | null } | null
  watcher: { name: string; contact: string | null } | null
  deadline: string | null
  deadlineAt: string | null
  plan: string | null
  interim: string | null
  devices: string[]
  rules: string[]
  alertId: string | null
  overdue: boolean
  overdueAt: string | null
  escalation: { at: string; level: HazardRow['escalation_level']; supervisor: string | null } | null
  reportedAt: string
  reportedBy: string
  updatedAt: string
  submittedBy: string | null
  closedAt: string | null
  closedBy: string | null
  verification: CloseOutEvidence | null
  /** The steps the asking token may take now. */
  allowed: HazardAction[]
}

export interface EvidenceJson {
  id: number
  kind: 'note' | 'photo'
  note: string | null
  /** `/api/v1/hazards/{id}/evidence/{evidenceId}` for a photo. */
  url: string | null
  type: string | null
  bytes: number | null
  sha256: string | null
  addedAt: string
  addedBy: string
}

export interface TrailJson {
  at: string
  action: TrailRow['action']
  actor: string
  from: string | null
  to: string | null
  note: string | null
}

export type HazardDetailJson = HazardJson & { evidence: EvidenceJson[]; trail: TrailJson[] }

const person = (name: string | null, contact: string | null) => (name === null ? null : { name, contact })

export function hazardJson(
  row: HazardRow,
  actor: Actor,
  tokensOf: (c: string) => readonly string[],
): HazardJson {
  return {
    id: row.id,
    code: row.code,
    building: row.building,
    location: { floor: row.floor, zone: row.zone, place: row.place },
    category: row.category,
    severity: row.severity,
    description: row.description,
    source: row.source,
    state: row.state,
    responsible: person(row.responsible, row.responsible_contact),
    watcher: person(row.watcher, row.watcher_contact),
    deadline: row.deadline,
    deadlineAt: isoTimeOrNull(row.deadline_at),
    plan: row.plan,
    interim: row.interim,
    devices: JSON.parse(row.devices) as string[],
    rules: JSON.parse(row.rules) as string[],
    alertId: row.alert_id,
    overdue: row.overdue_at !== null && row.state !== 'closed',
    overdueAt: isoTimeOrNull(row.overdue_at),
    escalation:
      row.escalated_at === null
        ? null
        : { at: isoTime(row.escalated_at), level: row.escalation_level, supervisor: row.supervisor },
    reportedAt: isoTime(row.reported_at),
    reportedBy: row.reported_by,
    updatedAt: isoTime(row.updated_at),
    submittedBy: row.submitted_by,
    closedAt: isoTimeOrNull(row.closed_at),
    closedBy: row.closed_by,
    verification: row.verification === null ? null : (JSON.parse(row.verification) as CloseOutEvidence),
    allowed: allowedActions(actor, row, tokensOf),
  }
}

export function evidenceJson(row: EvidenceRow): EvidenceJson {
  return {
    id: row.id,
    kind: row.kind,
    note: row.note,
    url: row.kind === 'photo' ? `/api/v1/hazards/${row.hazard_id}/evidence/${row.id}` : null,
    type: row.mime,
    bytes: row.bytes,
    sha256: row.sha256,
    addedAt: isoTime(row.added_at),
    addedBy: row.added_by,
  }
}

export function trailJson(row: TrailRow): TrailJson {
  return {
    at: isoTime(row.at),
    action: row.action,
    actor: row.actor,
    from: row.from_state,
    to: row.to_state,
    note: row.note,
  }
}
