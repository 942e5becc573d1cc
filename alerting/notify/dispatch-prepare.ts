import type { Alert } from '../alert.ts'
import { recipientLocale } from '../i18n/locale.ts'
import type { AckLinks } from './ack-links.ts'
import type { Destination, NotificationMessage } from './channel.ts'
import type { Contact } from './contact-directory.ts'
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
  // Acknowledged or resolved between enqueue and send (the lifecycle cancels, this closes the gap).
  if (job.kind === 'alert' && alert.state !== 'open')
    return { action: 'cancel', reason: `alert ${alert.state}` }
  // Grouped by storm control between enqueue and send: the group head's notification covers it.
  if (job.kind === 'alert' && alert.groupedUnder !== null)
    return { action: 'cancel', reason: `grouped under ${alert.groupedUnder}` }
  const contact = ctx.directory.contact(job.contact)
  if (!contact) return { action: 'fail', reason: `contact ${job.contact} is no longer in the site file` }
  const targets = targetsOf(ctx, job, contact)
  if (targets.length === 0) {
    if (job.delivered_to && job.delivered_to !== '[]') return { action: 'delivered' }
    return { action: 'next-channel', reason: `no ${job.channel} address for ${contact.id}` }
  }
  const message = messageOf(ctx, links, job, contact, alert)
  return { action: 'send', message, targets, contact, alert }
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
  return digestNotification({
    key: job.job_key,
    alerts: alerts.length > 0 ? alerts : [seed],
    ackAlert,
    ackUrl: links.issue(ackAlert.id, contact.id),
    site: ctx.directory.site,
    budget: ctx.directory.settings.budget,
    locale: recipientLocale(contact, ctx.directory.site.locale),
  })
}
