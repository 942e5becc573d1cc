import type Database from 'better-sqlite3'
import type { Contact } from '../../ingest/index.ts'
import type { Clock, Logger } from '../deps.ts'
import { type Locale, recipientLocale } from '../i18n/locale.ts'
import type { Channel, ChannelKind, Destination, NotificationMessage } from '../notify/channel.ts'
import { contactAddress } from '../notify/contact-directory.ts'
import { TEMPLATES } from '../notify/message-builder.ts'
import type { PushSubscriptions } from '../notify/push-subscriptions.ts'
import { subscriptionAddress } from '../notify/push-subscriptions.ts'

/** A message that is not an alert: a patrol check, an overdue notice, a report. */
export interface Notice {
  /** Unique per notice and contact; receivers deduplicate on it. */
  key: string
  text: string
  /** The link to act on (confirm a patrol check, open a report). */
  link: string
  /** The structured body for webhook and push (`alert` field of the channel message). */
  body: Record<string, unknown>
  urgent: boolean
}

export interface NoticeSenderOptions {
  channels: ReadonlyMap<ChannelKind, Channel>
  /** The notifier's push subscriptions; null where push is not wired. */
  push: PushSubscriptions | null
  log: Logger
  /** The language of contacts that have none of their own. */
  siteLocale: Locale
}

/** How one notice went out to one contact: the channel that took it, or why none did. */
export type NoticeOutcome = { sent: ChannelKind } | { failed: string }

/**
 * Sends a notice through the contact's channels, most preferred first, until one takes it. Not
 * through the outbox: a notice is not an alert (the outbox jobs hang on alert rows), and what a
 * lost notice means is handled by its job (an unconfirmed patrol check raises an alert itself;
 * an overdue notice or a report not sent is tried again on the next run).
 */
export function createNoticeSender(options: NoticeSenderOptions) {
  return async function send(contact: Contact, notice: Notice): Promise<NoticeOutcome> {
    const reasons: string[] = []
    for (const kind of contact.channels) {
      const channel = options.channels.get(kind)
      if (!channel) {
        reasons.push(`${kind}: not configured`)
        continue
      }
      const destinations = destinationsOf(options.push, contact, kind)
      const message = messageOf(notice, contact, options.siteLocale)
      for (const to of destinations) {
        const result = await channel.send(to, message)
        if (result.outcome === 'sent') return { sent: kind }
        reasons.push(`${kind}: ${result.reason}`)
      }
      if (destinations.length === 0) reasons.push(`${kind}: no address`)
    }
    options.log.warn({ contact: contact.id, notice: notice.key, reasons }, 'notice not delivered')
    return { failed: reasons.join('; ') }
  }
}

export type NoticeSender = ReturnType<typeof createNoticeSender>

function destinationsOf(push: PushSubscriptions | null, contact: Contact, kind: ChannelKind): Destination[] {
  if (kind === 'push')
    return (push?.goodOf(contact.id) ?? []).map((s) => ({ address: subscriptionAddress(s) }))
  const address = contactAddress(contact, kind)
  return address ? [address] : []
}

function messageOf(notice: Notice, contact: Contact, siteLocale: Locale): NotificationMessage {
  return {
    // The texts were written in this language by the notice's job (textsFor the contact's locale).
    locale: recipientLocale(contact, siteLocale),
    title: notice.text,
    idempotencyKey: `${notice.key}:${contact.id}`,
    alertId: notice.key,
    text: notice.link ? `${notice.text} ${notice.link}` : notice.text,
    // Template providers (Aliyun) get the text as one parameter.
    template: TEMPLATES.notice,
    params: { text: notice.text, link: notice.link },
    ackUrl: notice.link,
    alert: notice.body,
    urgent: notice.urgent,
  }
}

/** notices_sent (schedule-tables.ts): who already has which notice. */
export function createNoticeLog(db: Database.Database, clock: Clock) {
  const has = db.prepare('SELECT 1 FROM notices_sent WHERE key = ? AND contact = ?')
  const mark = db.prepare('INSERT OR IGNORE INTO notices_sent (key, contact, sent_at) VALUES (?, ?, ?)')
  return {
    has: (key: string, who: string) => has.get(key, who) !== undefined,
    mark: (key: string, who: string) => void mark.run(key, who, clock.now()),
  }
}

export type NoticeLog = ReturnType<typeof createNoticeLog>

/**
 * A sender that sends each notice key to each contact once, ever: the notice log (in the alert
 * database) remembers who has it, so a retry after a partial failure or a restart reaches only
 * the contacts still missing it. Returns 'already' for those who have it.
 */
export function createOnceSender(log: NoticeLog, send: NoticeSender) {
  return async function sendOnce(contact: Contact, notice: Notice): Promise<NoticeOutcome | 'already'> {
    if (log.has(notice.key, contact.id)) return 'already'
    const outcome = await send(contact, notice)
    if ('sent' in outcome) log.mark(notice.key, contact.id)
    return outcome
  }
}

export type OnceSender = ReturnType<typeof createOnceSender>
