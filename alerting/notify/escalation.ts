import type { AlertClass } from '../alert.ts'
import type { EscalationPolicy } from './contact-directory.ts'
import type { IncidentEscalationRow } from './incident-escalations.ts'
import { leadOf, targetOf } from './incident-paging.ts'
import { type NotifyContext, noteIncident } from './notify-context.ts'
import { enqueueStep, type Step } from './outbox-enqueue.ts'

/** Escalations handled per call at most; the rest wait for the next tick (a bounded loop). */
const MAX_PER_CALL = 200

export interface Escalation {
  /**
   * For every open incident whose current step timed out without an acknowledgement, writes the
   * next repeat or level. A plain function of time: a 1 s timer calls it in production, tests call
   * it with virtual time. Returns how many jobs it queued.
   */
  escalate(now: number): number
}

export function createEscalation(ctx: NotifyContext): Escalation {
  const stepOne = ctx.alerts.transaction((row: IncidentEscalationRow, now: number) =>
    escalateOne(ctx, row, now),
  )
  return {
    escalate(now) {
      let queued = 0
      for (const row of ctx.incidentEscalations.due(now, MAX_PER_CALL)) {
        try {
          queued += stepOne(row, now)
        } catch (err) {
          // One broken row must not hold up the escalation of every other incident.
          ctx.log.error({ err, incidentId: row.incident_id }, 'escalation step failed')
        }
      }
      return queued
    },
  }
}

/** One incident, in its own transaction: its state is read where the jobs are written. */
function escalateOne(ctx: NotifyContext, due: IncidentEscalationRow, now: number): number {
  const row = ctx.incidentEscalations.get(due.incident_id)
  if (row?.state !== 'active' || row.next_at > now) return 0
  const incident = ctx.incidents.get(row.incident_id)
  // Acknowledged, resolved or merged: paging stopped it already; this is the belt to those braces.
  if (incident?.state !== 'open') {
    ctx.incidentEscalations.stop(row.incident_id)
    return 0
  }
  // The pages carry an alert still active where there is one (the first may have been resolved).
  const lead = leadOf(ctx, { id: incident.id, class: row.class })?.id ?? row.alert_id
  if (lead !== row.alert_id) ctx.incidentEscalations.setLead(incident.id, lead)
  const policy = ctx.directory.policyFor(incident.building, row.class)
  const next = policy && nextStep(policy, row, row)
  if (!policy || !next) {
    ctx.incidentEscalations.stop(incident.id, 'exhausted')
    note(ctx, incident.id, lead, 'escalation ended: every level was notified', now)
    return 0
  }
  const level = policy.levels[next.level]!
  ctx.incidentEscalations.advance(incident.id, next.level, next.repeat, now + level.ackTimeoutSec * 1000)
  const targets = ctx.directory.recipients(level, incident.building).map((r) => r.contact.id)
  const text = `level ${next.level + 1} of ${policy.levels.length}, send ${next.repeat + 1}: ${targets.join(', ')}`
  note(ctx, incident.id, lead, `not acknowledged; ${text}`, now)
  return enqueueStep(ctx, targetOf(incident, lead, row.class, row.round), level, next, now)
}

/**
 * The step after `row`: the next repeat of its level, else the first send of the next level.
 * [FIRE-RULE-4] Someone must always answer a fire: its last level repeats until acknowledged.
 * null when a non-fire incident has been through every level.
 */
export function nextStep(policy: EscalationPolicy, paged: { class: AlertClass }, row: Step): Step | null {
  // The site file may have changed since the last step: stay within the levels it has now.
  const levelIndex = Math.min(row.level, policy.levels.length - 1)
  const level = policy.levels[levelIndex]!
  if (row.repeat + 1 < level.repeat) return { level: levelIndex, repeat: row.repeat + 1 }
  if (levelIndex + 1 < policy.levels.length) return { level: levelIndex + 1, repeat: 0 }
  return paged.class === 'fire' ? { level: levelIndex, repeat: row.repeat + 1 } : null
}

/** In the lead alert's history (as before incidents) and in the incident's timeline. */
function note(ctx: NotifyContext, incidentId: string, lead: string, text: string, at: number): void {
  ctx.alerts.appendHistory(lead, { at, action: 'escalated', actor: 'system', note: text, value: null })
  noteIncident(ctx, incidentId, 'escalated', text, at, lead)
}
