import type { Severity } from '../ingest/site/register-schema.ts'

// The hazard register's vocabulary (docs/register.md "Hazard register"). A hazard moves along one
// workflow (its `state`) while a second dimension says how it is supervised: overdue once its
// deadline passed, escalated (挂牌督办) with a level and a supervising body. Both are written to
// the trail, step by step.

/**
 * reported (上报) → assigned (交办: responsible person, watcher, deadline) → rectifying (整改中) →
 * awaiting_verification (待验收) → closed (销号); a closed hazard may be reopened (重新打开), then
 * assigned again with a new deadline.
 */
export const HAZARD_STATES = [
  'reported',
  'assigned',
  'rectifying',
  'awaiting_verification',
  'closed',
  'reopened',
] as const
export type HazardState = (typeof HAZARD_STATES)[number]

/** What a person does to a hazard (POST /api/v1/hazards/{id}/{action}). */
export const HAZARD_ACTIONS = ['assign', 'start', 'submit', 'verify', 'reject', 'reopen', 'escalate'] as const
export type HazardAction = (typeof HAZARD_ACTIONS)[number]

/** Every line of the trail: the person's actions, the system's, and evidence added. */
export const TRAIL_ACTIONS = [
  'reported',
  'assigned',
  'reassigned',
  'started',
  'submitted',
  'verified',
  'rejected',
  'reopened',
  'escalated',
  'overdue',
  'evidence',
  'notified',
  'sensor',
] as const
export type TrailAction = (typeof TRAIL_ACTIONS)[number]

export const HAZARD_SOURCES = ['inspection', 'patrol', 'sensor', 'import'] as const
export type HazardSource = (typeof HAZARD_SOURCES)[number]

export const ESCALATION_LEVELS = ['street', 'district', 'city'] as const
export type EscalationLevel = (typeof ESCALATION_LEVELS)[number]

/** A row of `hazards` (register-tables.ts); times are epoch ms. */
export interface HazardRow {
  id: number
  code: string
  building: string
  floor: number | null
  zone: string | null
  place: string | null
  category: string
  severity: Severity
  description: string
  source: HazardSource
  state: HazardState
  responsible: string | null
  responsible_contact: string | null
  watcher: string | null
  watcher_contact: string | null
  /** The deadline as given, in site time: `2026-12-20` (end of that day) or `2026-12-20T18:00`. */
  deadline: string | null
  deadline_at: number | null
  plan: string | null
  interim: string | null
  /** JSON arrays of device and rule ids whose condition the hazard is about. */
  devices: string
  rules: string
  alert_id: string | null
  overdue_at: number | null
  escalated_at: number | null
  escalation_level: EscalationLevel | null
  supervisor: string | null
  reported_at: number
  reported_by: string
  updated_at: number
  submitted_by: string | null
  closed_at: number | null
  closed_by: string | null
  /** JSON CloseOutEvidence of the last sensor check, or null. */
  verification: string | null
}

export interface TrailRow {
  seq: number
  hazard_id: number
  at: number
  action: TrailAction
  actor: string
  from_state: HazardState | null
  to_state: HazardState | null
  note: string | null
}

export interface EvidenceRow {
  id: number
  hazard_id: number
  kind: 'note' | 'photo'
  note: string | null
  file: string | null
  mime: string | null
  bytes: number | null
  sha256: string | null
  added_at: number
  added_by: string
}

/** Who is asking: the token's name, role and buildings (ingest/site-model.ts Principal). */
export interface Actor {
  name: string
  role: 'brigade' | 'manager' | 'admin'
  buildings: ReadonlySet<string> | null
}

/** `system` for the register's own jobs (overdue, escalation, hazards raised by alerts). */
export const SYSTEM_ACTOR = 'system'

export const openState = (state: HazardState) => state !== 'closed'
