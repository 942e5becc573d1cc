import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'
import { isoTime, isoTimeOrNull } from '../alerting/clock-iso.ts'
import type { Logger } from '../alerting/deps.ts'
import type { OnceSender } from '../alerting/schedules/notice-sender.ts'
import { monthlyPeriod, previousMonth } from '../alerting/schedules/report-period.ts'
import { sendMail } from '../alerting/schedules/smtp-client.ts'
import { mailDate, wallDate } from '../alerting/schedules/zone-clock.ts'
import { cronOf } from '../ingest/site/cron-expression.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { DAY_MS, fromWall, toWall } from '../ingest/wall-clock.ts'
import { monthlyHtml } from './monthly-html.ts'
import { type MonthlyDeps, type MonthlyReport, monthlyReport } from './monthly-report.ts'
import { registerTexts } from './register-texts.ts'

interface DeliveryRow {
  token: string
  period: string
  scope: string
  recipient: string
  channel: string
  due_at: number
  sent_at: number | null
  opened_at: number | null
  opens: number
}

/** A delivery as GET /api/v1/register/reports/deliveries lists it. */
export interface DeliveryJson {
  period: string
  scope: string
  recipient: string
  channel: string
  dueAt: string
  sentAt: string | null
  /** Sent by the end of the local day it was due. */
  onTime: boolean | null
  openedAt: string | null
  opens: number
}

export interface MonthlyDeliveryDeps {
  site: SiteModel
  db: Database.Database
  monthly: MonthlyDeps
  send: OnceSender
  publicUrl: () => string
  linkTtlDays: number
  log: Logger
}

const SITE = 'site'

/**
 * The monthly report, sent when it is due (schedules.reports.monthly: e.g. the 20th at 09:00) for
 * the month before: each recipient contact gets the site's report (or each of their buildings')
 * with a link of their own, each e-mail address the page itself. Every delivery is recorded with
 * when it was due, sent and first opened through its link.
 */
export function createMonthlyDelivery(deps: MonthlyDeliveryDeps) {
  const { site, db } = deps
  const s = statements(db)
  const scopesOf = (buildings: readonly string[] | undefined) => buildings ?? [SITE]

  async function run(now: number): Promise<number> {
    const month = previousMonth(now, site.timezone)
    const due = dueAt(site, month)
    let sent = 0
    for (const id of site.file.schedules.reports.recipients) {
      const contact = site.contact(id)
      if (!contact) continue
      for (const scope of scopesOf(contact.buildings)) {
        const row = ensureRow(month, scope, contact.id, contact.channels[0] ?? 'none', due)
        if (row.sent_at !== null) continue
        const locale = contact.locale ?? site.locale
        const report = await build(month, scope, now, locale)
        const text = registerTexts(locale).monthly(report.scope.name, month)
        const link = `${deps.publicUrl()}/r/${row.token}`
        const outcome = await deps.send(contact, {
          key: `monthly:${scope}:${month}`,
          text,
          link,
          body: { type: 'monthly_report', link, report },
          urgent: false,
        })
        if (outcome === 'already' || 'sent' in outcome) {
          s.sent.run(now, row.token)
          sent++
        }
      }
    }
    sent += await mailAll(month, due, now)
    deps.log.info({ month, sent }, 'monthly reports delivered')
    return sent
  }

  async function mailAll(month: string, due: number, now: number): Promise<number> {
    const email = site.file.schedules.reports.email
    let sent = 0
    for (const to of email?.to ?? []) {
      for (const scope of scopesOf(to.buildings)) {
        const row = ensureRow(month, scope, `mailto:${to.address}`, 'email', due)
        if (row.sent_at !== null) continue
        const report = await build(month, scope, now, site.locale)
        try {
          const html = monthlyHtml(report, { pdf: `${deps.publicUrl()}/r/${row.token}.pdf` })
          const subject = registerTexts(site.locale).monthly(report.scope.name, month)
          await sendMail(email!.smtp, {
            from: email!.smtp.from,
            to: [to.address],
            data: message(subject, html, email!.smtp.from, to.address, now),
          })
          s.sent.run(now, row.token)
          sent++
        } catch (err) {
          deps.log.warn({ err, to: to.address, month }, 'monthly report e-mail not sent')
        }
      }
    }
    return sent
  }

  function ensureRow(
    period: string,
    scope: string,
    recipient: string,
    channel: string,
    due: number,
  ): DeliveryRow {
    s.insert.run({
      token: randomBytes(15).toString('base64url'),
      period,
      scope,
      recipient,
      channel,
      due_at: due,
    })
    return s.get.get(period, scope, recipient) as DeliveryRow
  }

  function build(month: string, scope: string, now: number, locale: 'en' | 'zh-CN'): Promise<MonthlyReport> {
    return monthlyReport(deps.monthly, month, scope === SITE ? null : scope, now, locale)
  }

  return {
    run,
    /** A tracked link opened: the report it stands for, recorded as opened. */
    async open(token: string, now: number): Promise<{ report: MonthlyReport } | 'unknown' | 'expired'> {
      const row = s.byToken.get(token) as DeliveryRow | undefined
      if (!row) return 'unknown'
      if (row.sent_at !== null && now > row.sent_at + deps.linkTtlDays * DAY_MS) return 'expired'
      s.opened.run(now, token)
      const contact = site.contact(row.recipient)
      return { report: await build(row.period, row.scope, now, contact?.locale ?? site.locale) }
    },
    list(month: string | undefined): DeliveryJson[] {
      const rows = (month === undefined ? s.all.all() : s.ofMonth.all(month)) as DeliveryRow[]
      return rows.map((r) => deliveryJson(site, r))
    },
  }
}

export type MonthlyDelivery = ReturnType<typeof createMonthlyDelivery>

/** When a month's report is due: the first run of the monthly cron after the month ended. */
export function dueAt(site: SiteModel, month: string): number {
  return cronOf(site.file.schedules.reports.monthly).nextAfter(
    monthlyPeriod(month, site.timezone).to - 1,
    site.timezone,
  )
}

function deliveryJson(site: SiteModel, r: DeliveryRow): DeliveryJson {
  const dueDay = wallDate(toWall(r.due_at, site.timezone))
  const endOfDueDay = fromWall(Date.parse(`${dueDay}T00:00:00Z`) + DAY_MS, site.timezone)
  return {
    period: r.period,
    scope: r.scope,
    recipient: r.recipient,
    channel: r.channel,
    dueAt: isoTime(r.due_at),
    sentAt: isoTimeOrNull(r.sent_at),
    onTime: r.sent_at === null ? null : r.sent_at < endOfDueDay,
    openedAt: isoTimeOrNull(r.opened_at),
    opens: r.opens,
  }
}

function message(subject: string, html: string, from: string, to: string, now: number): string {
  const body = Buffer.from(html, 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')
  return [
    `From: ${from}`,
    `To: ${to}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
    `Date: ${mailDate(now)}`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n')
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    insert: p(
      `INSERT OR IGNORE INTO report_deliveries (token, period, scope, recipient, channel, due_at)
       VALUES (@token, @period, @scope, @recipient, @channel, @due_at)`,
    ),
    get: p('SELECT * FROM report_deliveries WHERE period = ? AND scope = ? AND recipient = ?'),
    byToken: p('SELECT * FROM report_deliveries WHERE token = ?'),
    sent: p('UPDATE report_deliveries SET sent_at = ? WHERE token = ? AND sent_at IS NULL'),
    opened: p(
      'UPDATE report_deliveries SET opened_at = coalesce(opened_at, ?), opens = opens + 1 WHERE token = ?',
    ),
    all: p('SELECT * FROM report_deliveries ORDER BY due_at DESC, recipient LIMIT 1000'),
    ofMonth: p('SELECT * FROM report_deliveries WHERE period = ? ORDER BY recipient, scope'),
  }
}
