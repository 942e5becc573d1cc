import type { SiteModel } from '../../ingest/index.ts'
import type { AlertClass } from '../alert.ts'
import { alertMessageIn } from '../alert-message.ts'
import type { AlertStore } from '../alert-store.ts'
import type { Logger } from '../deps.ts'
import { recipientLocale } from '../i18n/locale.ts'
import { ContactDirectory } from '../notify/contact-directory.ts'
import type { OnceSender } from './notice-sender.ts'
import type { OverdueRow, OverdueStore } from './overdue-store.ts'
import { textsFor } from './schedule-texts.ts'

const HOUR_MS = 3_600_000

export interface OverdueJobOptions {
  site: SiteModel
  alerts: AlertStore
  store: OverdueStore
  /** Once per alert and contact (notices_sent). */
  send: OnceSender
  log: Logger
}

/**
 * Long-open items (the hazard list with deadlines of fire-safety campaigns): a fault or
 * supervisory alert still active past its class's deadline (`schedules.overdue`, hours) is
 * flagged once, noted as escalated in its history, and sent to the last level of its escalation
 * policy (the most senior people), until one of them has it. A plain function of time.
 */
export function createOverdueJob(options: OverdueJobOptions) {
  const { site, store } = options
  const directory = new ContactDirectory(site)
  const deadlines = Object.entries(site.file.schedules.overdue).filter(
    (e): e is [string, number] => e[1] !== undefined,
  )
  return async function run(now: number): Promise<void> {
    for (const [cls, hours] of deadlines) {
      for (const item of store.openOf(cls, now - hours * HOUR_MS)) {
        const deadlineAt = item.opened_at + hours * HOUR_MS
        if (!store.flag(item, deadlineAt, now)) continue
        options.alerts.appendHistory(item.id, {
          at: now,
          action: 'escalated',
          actor: 'system',
          note: `overdue: open longer than ${hours} h`,
          value: null,
        })
        options.log.warn({ alertId: item.id, class: cls, hours }, 'alert overdue')
      }
    }
    for (const row of store.unnotified()) {
      if (await notify(options, directory, row)) store.notified(row.id, now)
    }
  }
}

export type OverdueJob = ReturnType<typeof createOverdueJob>

/** True when every recipient has the notice (else the next run tries the others again). */
async function notify(
  options: OverdueJobOptions,
  directory: ContactDirectory,
  row: OverdueRow,
): Promise<boolean> {
  const policy = directory.policyFor(row.building, row.class as AlertClass)
  const last = policy?.levels[policy.levels.length - 1]
  const recipients = last ? directory.recipients(last, row.building).map((r) => r.contact) : []
  if (recipients.length === 0) {
    options.log.warn({ alertId: row.id }, 'overdue alert: no escalation policy reaches anyone')
    return true
  }
  const hours = Math.round((row.deadline_at - row.opened_at) / HOUR_MS)
  let delivered = true
  const alert = options.alerts.get(row.id)
  for (const contact of recipients) {
    const locale = recipientLocale(contact, options.site.locale)
    // The stored message is in the site's language; a reader of another gets it rebuilt in theirs.
    const message = alert ? alertMessageIn(options.site, alert, locale) : row.message
    const text = textsFor(locale).overdue(message, hours)
    const body = {
      type: 'overdue',
      alertId: row.id,
      class: row.class,
      building: row.building,
      deadlineAt: row.deadline_at,
    }
    const outcome = await options.send(contact, {
      key: `overdue:${row.id}`,
      text,
      link: '',
      body,
      urgent: false,
    })
    if (outcome !== 'already' && 'failed' in outcome) delivered = false
  }
  return delivered
}
