import type { Alert } from '../alert.ts'
import { recipientLocale } from '../i18n/locale.ts'
import type { AckLinks } from './ack-links.ts'
import type { Destination, NotificationMessage } from './channel.ts'
import type { Contact } from './contact-directory.ts'
import { incidentAllClearNotification, updateNotification } from './incident-messages.ts'
import { type IncidentNow, incidentNow } from './incident-read.ts'
import { alertNotification, allClearNotification, digestNotification } from './message-builder.ts'
import type { NotifyContext } from './notify-context.ts'
import type { OutboxJob } from './outbox-store.ts'
import { subscriptionAddress } from './push-subscriptions.ts'

/** One destination of a job; push jobs have one per subscription of the contact. */
export interface Target {
  to: Destination
  /** The push subscription id, for push. */
  subscription?: number
}

/** What to do with a claimed job: send it, or settle it without sending. */
export type Prepared =
  | { action: 'send'; message: NotificationMessage; targets: Target[]; contact: Contact; alert: Alert }
  | { action: 'cancel'; reason: string }
  | { action: 'fail'; reason: string }
  | { action: 'next-channel'; reason: string }
  /** Push: every subscription left already has it from an earlier attempt. */
  | { action: 'delivered' }

export function prepareJob(ctx: NotifyContext, links: AckLinks, job: OutboxJob): Prepared {
  const alert = ctx.alerts.get(job.alert_id)
  if (!alert) return { action: 'fail', reason: 'the alert no longer exists' }
  const current = job.incident_id === null ? undefined : incidentNow(ctx, job.incident_id)
  if (job.incident_id !== null && !current) return { action: 'fail', reason: 'the incident no longer exists' }
  const stale = current ? staleIncidentJob(ctx, job, current) : staleAlertJob(job, alert)
  if (stale !== null) return { action: 'cancel', reason: stale }
  const contact = ctx.directory.contact(job.contact)
  if (!contact) return { action: 'fail', reason: `contact ${job.contact} is no longer in the site file` }
  const targets = targetsOf(ctx, job, contact)
  if (targets.length === 0) {
    if (job.delivered_to && job.delivered_to !== '[]') return { action: 'delivered' }
    return { action: 'next-channel', reason: `no ${job.channel} address for ${contact.id}` }
  }
  const message = current
    ? incidentMessage(ctx, links, job, contact, alert, current)
    : messageOf(ctx, links, job, contact, alert)
  return { action: 'send', message, targets, contact, alert }
}

/**
 * Acknowledged, resolved or merged between enqueue and send (paging cancels such jobs in the same
 * transaction; this closes the gap): a page needs its incident open, an update needs it not yet
 * over, and a person who was never told of it (their page was cancelled) gets no update.
 */
function staleIncidentJob(ctx: NotifyContext, job: OutboxJob, current: IncidentNow): string | null {
  const { state } = current.incident
  if (job.kind === 'alert' && state !== 'open') return `incident ${state}`
  if (job.kind !== 'update') return null
  if (state === 'resolved') return 'incident resolved'
  return ctx.incidentJobs.toldBefore(job) ? null : `${job.contact} was never told of the incident`
}

/** A job written by a gateway that paged alerts one by one. */
function staleAlertJob(job: OutboxJob, alert: Alert): string | null {
  if (job.kind === 'alert' && alert.state !== 'open') return `alert ${alert.state}`
  // Grouped by storm control between enqueue and send: the group head's notification covers it.
  if (job.kind === 'alert' && alert.groupedUnder !== null) return `grouped under ${alert.groupedUnder}`
  return null
}

/** Pages carry the lead alert's one-segment text; updates and the all-clear speak of the incident. */
function incidentMessage(
  ctx: NotifyContext,
  links: AckLinks,
  job: OutboxJob,
  contact: Contact,
  lead: Alert,
  current: IncidentNow,
): NotificationMessage {
  const site = ctx.directory.site
  const locale = recipientLocale(contact, site.locale)
  const { incident } = current
  const first = current.members[0] ?? ctx.alerts.findRecord(lead.id)!
  const input = { key: job.job_key, incident, lead, first, members: current.members, site, locale }
  if (job.kind === 'all_clear') return incidentAllClearNotification(input)
  const ackUrl = links.issueForIncident(incident.id, lead.id, contact.id)
  if (job.kind === 'update') return updateNotification({ ...input, ackUrl })
  return alertNotification({ key: job.job_key, alert: lead, ackUrl, site, locale, incident })
}

function messageOf(
  ctx: NotifyContext,
  links: AckLinks,
  job: OutboxJob,
  contact: Contact,
  alert: Alert,
): NotificationMessage {
  const site = ctx.directory.site
  const locale = recipientLocale(contact, site.locale)
  if (job.kind === 'digest') return digestMessage(ctx, links, job, contact)
  if (job.kind === 'all_clear') return allClearNotification({ key: job.job_key, alert, site, locale })
  const ackUrl = links.issue(alert.id, contact.id)
  return alertNotification({ key: job.job_key, alert, ackUrl, site, locale })
}

function targetsOf(ctx: NotifyContext, job: OutboxJob, contact: Contact): Target[] {
  if (job.channel !== 'push') {
    const to = ctx.directory.address(contact, job.channel)
    return to ? [{ to }] : []
  }
  const done = new Set<number>(job.delivered_to ? (JSON.parse(job.delivered_to) as number[]) : [])
  return ctx.push
    .goodOf(contact.id)
    .filter((s) => !done.has(s.id))
    .map((s) => ({ to: { address: subscriptionAddress(s) }, subscription: s.id }))
}

/** The folded pages' alerts, and a link that acknowledges the newest one still open (its incident). */
function digestMessage(
  ctx: NotifyContext,
  links: AckLinks,
  job: OutboxJob,
  contact: Contact,
): NotificationMessage {
  const byId = new Map<string, Alert>()
  for (const folded of ctx.outbox.foldedInto(job.id)) {
    const alert = ctx.alerts.get(folded.alert_id)
    if (alert) byId.set(alert.id, alert)
  }
  const alerts = [...byId.values()]
  const seed = ctx.alerts.get(job.alert_id)!
  const ackAlert = [...alerts].reverse().find((a) => a.state === 'open') ?? alerts.at(-1) ?? seed
  const ackUrl =
    ackAlert.incident === null
      ? links.issue(ackAlert.id, contact.id)
      : links.issueForIncident(ackAlert.incident, ackAlert.id, contact.id)
  return digestNotification({
    key: job.job_key,
    alerts: alerts.length > 0 ? alerts : [seed],
    ackAlert,
    ackUrl,
    site: ctx.directory.site,
    budget: ctx.directory.settings.budget,
    locale: recipientLocale(contact, ctx.directory.site.locale),
  })
}
