import type { Incident, IncidentAction } from '../incidents/incident.ts'
import type { ChannelKind } from './channel.ts'
import type { Contact } from './contact-directory.ts'
import { type NotifyContext, noteIncident, noteNotified } from './notify-context.ts'
import { placeJob, updateKey, usable } from './outbox-enqueue.ts'

/**
 * An incident grew materially (a new floor, a confirmation or spread, a more severe class): every
 * person told of it gets an update - at most one per `incidents.updateWindowSec` each. The first
 * goes at once; growth while a person's update still waits is merged into it (its text is built
 * at send time from the incident as it is then); growth after one went out waits for the window.
 * A confirmation (no new floor, no new class) before a person's first page went out (the same
 * reading raised both) sends them no update: the page is about to go, and a second message on its
 * heels would say nothing it does not. `skip`: those whose queued page was made the new class's.
 * Runs inside the transaction of the growth. Returns how many jobs are due now.
 */
export function enqueueUpdates(
  ctx: NotifyContext,
  incident: Incident,
  lead: string,
  now: number,
  growth: { action: IncidentAction; skip: ReadonlySet<string> },
): number {
  const windowMs = ctx.directory.site.file.incidents.updateWindowSec * 1000
  let dueNow = 0
  const planned: string[] = []
  for (const told of ctx.incidentJobs.informed(incident.id)) {
    if (ctx.incidentJobs.pendingUpdate(incident.id, told.contact, now)) continue
    if (growth.skip.has(told.contact)) continue
    if (growth.action === 'member_added' && !ctx.incidentJobs.reached(incident.id, told.contact, now))
      continue
    const contact = ctx.directory.contact(told.contact)
    const channel = contact && channelFor(ctx, contact, told.channel)
    if (!contact || channel === undefined) {
      noteNotified(ctx, lead, `update: no working channel for ${told.contact}`, now)
      continue
    }
    const last = ctx.incidentJobs.lastUpdate(incident.id, contact.id)
    const n = last ? last.repeat + 1 : 0
    const due = last ? Math.max(now, (last.finished_at ?? last.due_at) + windowMs) : now
    const job = {
      job_key: updateKey(incident.id, contact.id, channel, n),
      kind: 'update' as const,
      alert_id: lead,
      incident_id: incident.id,
      class: incident.class,
      contact: contact.id,
      channel,
      level: 0,
      repeat: n,
      urgent: incident.class === 'fire' ? 1 : 0,
      state: 'pending' as 'pending' | 'folded',
      created_at: now,
      due_at: due,
      digest_id: null,
    }
    if (!placeJob(ctx, job, contact) && job.state !== 'folded') continue
    if (job.state === 'pending' && due <= now) dueNow++
    planned.push(`${channel} to ${contact.id}${due > now ? ` at +${Math.round((due - now) / 1000)} s` : ''}`)
  }
  if (planned.length > 0) noteIncident(ctx, incident.id, 'notified', `update: ${planned.join(', ')}`, now)
  return dueNow
}

function channelFor(ctx: NotifyContext, contact: Contact, used: ChannelKind): ChannelKind | undefined {
  if (usable(ctx, contact, used)) return used
  return contact.channels.find((ch) => usable(ctx, contact, ch))
}
