import type Database from 'better-sqlite3'
import { toWall, wallFields } from '../ingest/wall-clock.ts'
import { deadlineInstant } from './deadline-clock.ts'
import type { Actor, HazardAction, HazardRow, HazardSource, TrailAction } from './hazard.ts'
import type { AssignBody, HazardInput } from './hazard-input.ts'
import { nextState, type Verdict, verdict } from './hazard-rights.ts'
import type { HazardStore, NewHazard } from './hazard-store.ts'
import { immediate } from './register-db.ts'

export interface HazardDeskDeps {
  db: Database.Database
  store: HazardStore
  timezone: string
  /** Names of people by contact id, for assignments that give a contact only. */
  contactName(id: string): string | undefined
  /** The API tokens of a contact (the responsible person may not verify their own work). */
  tokensOf(contact: string): readonly string[]
  /** Called after every committed change (risk grade "on change", the live wall). */
  changed?(row: HazardRow): void
}

/** Fields of a step's body; which ones a step reads is in `apply`. */
export type StepBody = Partial<AssignBody> & {
  plan?: string
  interim?: string
  note?: string
  level?: HazardRow['escalation_level']
  supervisor?: string
}

export type StepOutcome = { row: HazardRow } | { refused: Exclude<Verdict, 'ok'> | 'not-verified' }

/**
 * The register's desk: reports hazards and makes the workflow's steps, each in one transaction
 * with its trail line (kill -9 safe: a step and its line commit together or not at all).
 */
export class HazardDesk {
  constructor(private readonly deps: HazardDeskDeps) {}

  /** A new hazard, `assigned` at once when it names both people and a deadline. */
  report(
    input: HazardInput,
    actor: string,
    now: number,
    source: HazardSource = input.source,
    alertId: string | null = null,
  ): HazardRow {
    const responsible = input.responsible ?? this.name(input.responsibleContact)
    const watcher = input.watcher ?? this.name(input.watcherContact)
    const assigned = responsible !== null && watcher !== null && input.deadline !== undefined
    const row: NewHazard = {
      building: input.building,
      floor: input.floor ?? null,
      zone: input.zone ?? null,
      place: input.place ?? null,
      category: input.category,
      severity: input.severity,
      description: input.description,
      source,
      state: assigned ? 'assigned' : 'reported',
      responsible,
      responsible_contact: input.responsibleContact ?? null,
      watcher,
      watcher_contact: input.watcherContact ?? null,
      deadline: input.deadline ?? null,
      deadline_at: input.deadline === undefined ? null : deadlineInstant(input.deadline, this.deps.timezone),
      plan: input.plan ?? null,
      interim: input.interim ?? null,
      devices: JSON.stringify(input.devices),
      rules: JSON.stringify(input.rules),
      alert_id: alertId,
      overdue_at: null,
      escalated_at: null,
      escalation_level: null,
      supervisor: null,
      reported_at: now,
      reported_by: actor,
      updated_at: now,
      submitted_by: null,
      closed_at: null,
      closed_by: null,
      verification: null,
    }
    const year = wallFields(toWall(now, this.deps.timezone)).year
    const created = immediate(this.deps.db, () => {
      const inserted = this.deps.store.insert(row, year)
      this.deps.store.trail(inserted.id, now, 'reported', actor, { to_state: 'reported' })
      if (assigned) this.deps.store.trail(inserted.id, now, 'assigned', actor, assignedLine(inserted))
      return inserted
    })()
    this.deps.changed?.(created)
    return created
  }

  /**
   * One step by a person. `sensorHeld` is the close-out check of a hazard linked to devices (the
   * caller computes it from the readings first): such a hazard is verified only when it held.
   */
  step(
    id: number,
    action: HazardAction,
    actor: Actor,
    body: StepBody,
    now: number,
    sensorHeld?: boolean,
  ): StepOutcome | undefined {
    const outcome = immediate(this.deps.db, (): StepOutcome | undefined => {
      const row = this.deps.store.get(id)
      if (!row) return undefined
      const v = verdict(actor, row, action, this.deps.tokensOf)
      if (v !== 'ok') return { refused: v }
      if (action === 'verify' && JSON.parse(row.devices).length > 0 && sensorHeld !== true)
        return { refused: 'not-verified' }
      const next = this.apply(row, action, actor.name, body, now)
      this.deps.store.update(next)
      const trailAction = trailOf(action, row)
      const assignedNote = action === 'assign' ? assignedLine(next, row).note : null
      this.deps.store.trail(id, now, trailAction, actor.name, {
        from_state: row.state,
        to_state: next.state,
        note: [assignedNote, body.note].filter(Boolean).join(' · ') || null,
      })
      return { row: next }
    })()
    if (outcome && 'row' in outcome) this.deps.changed?.(outcome.row)
    return outcome
  }

  /**
   * A change that is no workflow step (a job's flag, the close-out evidence, evidence added by a
   * person), with its trail line, in one transaction.
   */
  system(
    id: number,
    now: number,
    action: TrailAction,
    note: string,
    change: (row: HazardRow) => HazardRow,
    actor = 'system',
  ) {
    const updated = immediate(this.deps.db, () => {
      const row = this.deps.store.get(id)
      if (!row) return undefined
      const next = { ...change(row), updated_at: now }
      this.deps.store.update(next)
      this.deps.store.trail(id, now, action, actor, { from_state: row.state, to_state: next.state, note })
      return next
    })()
    if (updated) this.deps.changed?.(updated)
    return updated
  }

  private apply(row: HazardRow, action: HazardAction, actor: string, body: StepBody, now: number): HazardRow {
    const next: HazardRow = { ...row, state: nextState(action, row.state), updated_at: now }
    switch (action) {
      case 'assign':
        return this.assign(next, row, body)
      case 'start':
        return { ...next, plan: body.plan ?? row.plan, interim: body.interim ?? row.interim }
      case 'submit':
        return { ...next, submitted_by: actor }
      case 'verify':
        return { ...next, closed_at: now, closed_by: actor }
      case 'reject':
        return next
      case 'reopen':
        // A new round: new people or deadline come with the next assignment; supervision ended
        // with the close (the trail keeps it).
        return {
          ...next,
          closed_at: null,
          closed_by: null,
          submitted_by: null,
          deadline: null,
          deadline_at: null,
          overdue_at: null,
          escalated_at: null,
          escalation_level: null,
          supervisor: null,
        }
      case 'escalate':
        return {
          ...next,
          escalated_at: now,
          escalation_level: body.level ?? null,
          supervisor: body.supervisor ?? null,
        }
    }
  }

  private assign(next: HazardRow, row: HazardRow, body: StepBody): HazardRow {
    const deadline = body.deadline ?? row.deadline
    const deadlineAt = deadline === null ? null : deadlineInstant(deadline, this.deps.timezone)
    const responsibleContact = body.responsibleContact ?? (body.responsible ? null : row.responsible_contact)
    const watcherContact = body.watcherContact ?? (body.watcher ? null : row.watcher_contact)
    return {
      ...next,
      responsible: body.responsible ?? this.name(body.responsibleContact) ?? row.responsible,
      responsible_contact: responsibleContact,
      watcher: body.watcher ?? this.name(body.watcherContact) ?? row.watcher,
      watcher_contact: watcherContact,
      deadline,
      deadline_at: deadlineAt,
      // A new deadline ends "overdue" (the trail keeps it); supervision, once begun, stays until closed.
      overdue_at: deadlineAt !== null && deadlineAt !== row.deadline_at ? null : row.overdue_at,
    }
  }

  private name(contact: string | undefined): string | null {
    return contact === undefined ? null : (this.deps.contactName(contact) ?? null)
  }
}

function trailOf(action: HazardAction, before: HazardRow): TrailAction {
  switch (action) {
    case 'assign':
      return before.state === 'reported' || before.state === 'reopened' ? 'assigned' : 'reassigned'
    case 'start':
      return 'started'
    case 'submit':
      return 'submitted'
    case 'verify':
      return 'verified'
    case 'reject':
      return 'rejected'
    case 'reopen':
      return 'reopened'
    case 'escalate':
      return 'escalated'
  }
}

/** The trail's words for an assignment: who, and until when (and what changed). */
function assignedLine(row: HazardRow, before?: HazardRow): { to_state: HazardRow['state']; note: string } {
  const parts = [`responsible: ${row.responsible}`, `watcher: ${row.watcher}`, `deadline: ${row.deadline}`]
  if (before?.deadline && before.deadline !== row.deadline) parts.push(`was ${before.deadline}`)
  return { to_state: row.state, note: parts.join(', ') }
}
