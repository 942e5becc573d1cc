import type { Incident } from '../incidents/incident.ts'
import type { ChannelKind } from './channel.ts'
import { type NotifyContext, noteIncident, noteNotified } from './notify-context.ts'
import { allClearKey, usable } from './outbox-enqueue.ts'
import type { NewJob } from './outbox-store.ts'

/**
 * When an incident is resolved (inside the resolving transaction): one all-clear per person told
 * of it - of a fire, or of an incident that escalated past its first step - on the channel that
 * reached them last (or their first working one, if that one has gone bad since). Nobody told,
 * nothing sent. Returns how many jobs were queued. Call it before the incident's pending jobs are
 * cancelled: a message being sent at this moment counts as told.
 */
export function enqueueAllClear(ctx: NotifyContext, incident: Incident, lead: string, now: number): number {
  const row = ctx.incidentEscalations.get(incident.id)
  const escalated = row !== undefined && (row.level > 0 || row.repeat > 0 || row.round > 0)
  if (incident.class !== 'fire' && !escalated) return 0
  // [FIRE-RULE-12] Never an all-clear while part of the situation is still active. The keeper only
  // resolves an incident with its last member; this is the belt to those braces.
  const active = ctx.alerts.incidentMembers(incident.id).filter((m) => m.state !== 'resolved')
  if (active.length > 0) {
    ctx.log.error({ incidentId: incident.id, active: active.map((m) => m.id) }, 'all-clear held back')
    return 0
  }
  const queued: string[] = []
  for (const told of ctx.incidentJobs.toldForAllClear(incident.id, now)) {
    const channel = channelFor(ctx, told.contact, told.channel)
    if (channel === undefined) {
      noteNotified(ctx, lead, `all-clear: no working channel for ${told.contact}`, now)
      continue
    }
    if (!ctx.outbox.insert(allClearJob(incident, lead, told.contact, channel, now))) continue
    queued.push(`${channel} to ${told.contact}`)
    noteNotified(ctx, lead, `all-clear queued: ${channel} to ${told.contact}`, now)
  }
  if (queued.length > 0) noteIncident(ctx, incident.id, 'notified', `all-clear: ${queued.join(', ')}`, now)
  return queued.length
}

function allClearJob(
  incident: Incident,
  lead: string,
  contact: string,
  channel: ChannelKind,
  now: number,
): NewJob {
  return {
    job_key: allClearKey(incident.id, contact, channel),
    kind: 'all_clear',
    alert_id: lead,
    incident_id: incident.id,
    class: incident.class,
    contact,
    channel,
    level: 0,
    repeat: 0,
    // Never ahead of alarms still waiting to go out.
    urgent: 0,
    state: 'pending',
    created_at: now,
    due_at: now,
    digest_id: null,
  }
}

function channelFor(ctx: NotifyContext, contactId: string, used: ChannelKind): ChannelKind | undefined {
  const contact = ctx.directory.contact(contactId)
  if (!contact) return undefined
  if (usable(ctx, contact, used)) return used
  return contact.channels.find((ch) => usable(ctx, contact, ch))
}
