import type { AlertClass } from '../alert.ts'
import type { AlertRecord } from '../alert-record.ts'
import { type Incident, type IncidentTransition, severityOf } from '../incidents/incident.ts'
import { enqueueAllClear } from './all-clear.ts'
import type { IncidentEscalationRow } from './incident-escalations.ts'
import { enqueueUpdates } from './incident-updates.ts'
import { type NotifyContext, noteIncident, noteNotified } from './notify-context.ts'
import { offlineHoldMs } from './offline-hold.ts'
import { enqueueStep, type PageTarget } from './outbox-enqueue.ts'

// People handle incidents, not alerts (README.md, "Notifications: who gets what"): an incident is
// paged once per person when it opens, updated when it grows, escalated as one, and closed with
// one all-clear. Alerts joining an incident send nothing by themselves.

/**
 * What one incident transition means for paging, inside its transaction. `started`: receipt of the
 * reading that opened it (the start of the latency metrics). Returns how many jobs are due now.
 */
export function planIncident(ctx: NotifyContext, t: IncidentTransition, started: number | undefined): number {
  const incident = t.incident
  const now = ctx.clock.now()
  if (isTest(ctx, incident.id)) {
    if (t.action === 'opened') noteIncident(ctx, incident.id, 'notified', 'not paged: a test window', now)
    // Each member's own history says so too, where a reader of the alert looks.
    if (t.alert !== null)
      noteNotified(ctx, t.alert, 'not notified: raised inside a test or maintenance window', now)
    return 0
  }
  if (incident.state === 'resolved') return settle(ctx, incident, now)
  const row = ctx.incidentEscalations.get(incident.id)
  if (!row) return t.action === 'opened' || t.material ? open(ctx, incident, started ?? now, now) : 0
  if (incident.state === 'acknowledged') stopPaging(ctx, incident.id, now)
  let due = 0
  const lead = leadOf(ctx, incident)?.id ?? row.alert_id
  const upgraded = severityOf(incident.class) < severityOf(row.class)
  const retargeted = new Set(
    upgraded ? ctx.incidentJobs.retargetQueued(incident.id, incident.class, lead, now) : [],
  )
  if (t.material) due += enqueueUpdates(ctx, incident, lead, now, { action: t.action, skip: retargeted })
  if (upgraded) due += upgrade(ctx, incident, row, now)
  return due
}

/** A test window's incident is recorded and shown, never paged. */
function isTest(ctx: NotifyContext, incidentId: string): boolean {
  return ctx.incidents.get(incidentId)?.groupKey.startsWith('test:') === true
}

/** The first pages: level 0 of the policy of the incident's class and building. */
function open(ctx: NotifyContext, incident: Incident, started: number, now: number): number {
  const lead = leadOf(ctx, incident)
  if (!lead) return 0
  if (lead.groupedUnder !== null) {
    // Storm control put it under a fire or a floor, whose own pages speak for the group.
    noteNotified(ctx, lead.id, `not notified: grouped under ${lead.groupedUnder}`, now)
    return 0
  }
  const first = ctx.directory.policyFor(incident.building, incident.class)?.levels[0]
  const paging = first !== undefined && incident.state === 'open'
  // A device gone offline waits for its floor to go dark with it (offline-hold.ts).
  const hold = offlineHoldMs(ctx.directory.site, lead)
  // The row is kept even when nobody is paged: it remembers the class, for an upgrade.
  ctx.incidentEscalations.start({
    incident_id: incident.id,
    alert_id: lead.id,
    class: incident.class,
    round: 0,
    state: paging ? 'active' : 'stopped',
    next_at: now + hold + (first?.ackTimeoutSec ?? 0) * 1000,
    started_at: started,
  })
  if (!paging) return 0
  const target = targetOf(incident, lead.id, incident.class, 0)
  const due = enqueueStep(ctx, target, first, { level: 0, repeat: 0 }, now, new Set(), now + hold)
  notePaged(ctx, incident.id, lead.id, hold > 0 ? `paged at +${hold / 1000} s` : 'paged', now)
  return hold > 0 ? 0 : due
}

/**
 * A more severe class: those told already got the update (material growth); the new class's
 * first level pages whoever of it was not told yet (a first page is once per person), and the
 * escalation starts over on the new class's policy. An incident someone acknowledged stays so.
 */
function upgrade(ctx: NotifyContext, incident: Incident, row: IncidentEscalationRow, now: number): number {
  const lead = leadOf(ctx, incident)?.id ?? row.alert_id
  const first = ctx.directory.policyFor(incident.building, incident.class)?.levels[0]
  const paging = first !== undefined && incident.state === 'open'
  ctx.incidentEscalations.restart(incident.id, {
    alert_id: lead,
    class: incident.class,
    state: paging ? 'active' : 'stopped',
    next_at: now + (first?.ackTimeoutSec ?? 0) * 1000,
  })
  const change = `class ${row.class} > ${incident.class}`
  noteIncident(
    ctx,
    incident.id,
    'escalated',
    `${change}: paging follows the ${incident.class} policy`,
    now,
    lead,
  )
  if (!paging) return 0
  const told = new Set(ctx.incidentJobs.informed(incident.id).map((x) => x.contact))
  const target = targetOf(incident, lead, incident.class, row.round + 1)
  const due = enqueueStep(ctx, target, first, { level: 0, repeat: 0 }, now, told)
  notePaged(ctx, incident.id, lead, `${change}, paged`, now)
  return due
}

/** Resolved (an all-clear to those told) or merged into another incident (that one goes on). */
function settle(ctx: NotifyContext, incident: Incident, now: number): number {
  const lead = ctx.incidentEscalations.get(incident.id)?.alert_id ?? leadOf(ctx, incident)?.id
  // Before the cancel below: a message in flight now counts as told.
  const queued = incident.mergedInto === null && lead ? enqueueAllClear(ctx, incident, lead, now) : 0
  ctx.incidentEscalations.stop(incident.id)
  const cancelled = ctx.incidentJobs.cancelPending(incident.id, ['alert', 'update'], now)
  if (cancelled > 0) ctx.metrics.job('any', 'cancelled', cancelled)
  return queued
}

/** Acknowledged: escalation stops and unsent pages are cancelled (updates still inform). */
function stopPaging(ctx: NotifyContext, incidentId: string, now: number): void {
  ctx.incidentEscalations.stop(incidentId)
  const cancelled = ctx.incidentJobs.cancelPending(incidentId, ['alert'], now)
  if (cancelled > 0) ctx.metrics.job('any', 'cancelled', cancelled)
}

/**
 * The alert an incident's pages carry: its oldest active member of the incident's class (for a
 * class upgrade, the alert that caused it), else its oldest member of any state.
 */
export function leadOf(
  ctx: NotifyContext,
  incident: Pick<Incident, 'id' | 'class'>,
): AlertRecord | undefined {
  const members = ctx.alerts.incidentMembers(incident.id)
  const active = members.filter((m) => m.state !== 'resolved')
  return (
    active.find((m) => m.class === incident.class) ??
    members.find((m) => m.class === incident.class) ??
    active[0] ??
    members[0]
  )
}

export function targetOf(
  incident: Pick<Incident, 'id' | 'building'>,
  lead: string,
  cls: AlertClass,
  round: number,
): PageTarget {
  return { incident: incident.id, alert: lead, class: cls, building: incident.building, round }
}

/** "paged: sms to li-wei, webhook to centre" in the timeline (the sends are in the alert history). */
function notePaged(ctx: NotifyContext, incidentId: string, lead: string, what: string, now: number): void {
  const jobs = ctx.incidentJobs
    .jobsOf(incidentId)
    .filter((j) => j.kind === 'alert' && j.created_at === now && j.level === 0 && j.repeat === 0)
  const who = jobs.map((j) => `${j.channel} to ${j.contact}${j.state === 'folded' ? ' (folded)' : ''}`)
  if (who.length > 0) noteIncident(ctx, incidentId, 'notified', `${what}: ${who.join(', ')}`, now, lead)
}
