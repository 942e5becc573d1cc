import type { SiteModel } from '../../ingest/index.ts'
import type { Logger } from '../deps.ts'
import type { BuildingReport } from './building-report.ts'
import type { NoticeLog, OnceSender } from './notice-sender.ts'
import { mailReport } from './report-mail.ts'
import { periodOf, previousDay, previousMonth, type ReportKind, type ReportPeriod } from './report-period.ts'
import { textsFor } from './schedule-texts.ts'

export interface ReportDeliveryOptions {
  site: SiteModel
  build(building: string, period: ReportPeriod, now: number): BuildingReport
  /** Once per report and contact (notices_sent). */
  send: OnceSender
  /** Who has which report (e-mail addresses as `mailto:<address>`). */
  noticeLog: NoticeLog
  /** `${PUBLIC_URL}`: the text names the report's page. */
  publicUrl: () => string
  log: Logger
}

/**
 * The report jobs: at the daily cron, yesterday's report of every building; at the monthly cron,
 * last month's; each to the `schedules.reports.recipients` whose buildings include it, on their
 * channels (a webhook gets the whole report as JSON). notices_sent keeps a restart or a second run
 * from sending one twice; a failed send is tried again on the next run of the same period.
 */
export function createReportDelivery(options: ReportDeliveryOptions) {
  const { site } = options
  const recipients = site.file.schedules.reports.recipients
    .map((id) => site.contact(id))
    .filter((c) => c !== undefined)

  async function deliver(kind: ReportKind, now: number): Promise<number> {
    const label = kind === 'daily' ? previousDay(now, site.timezone) : previousMonth(now, site.timezone)
    const period = periodOf(kind, label, site.timezone)
    let sent = 0
    for (const building of site.buildings) {
      const to = recipients.filter((c) => !c.buildings || c.buildings.includes(building.id))
      const key = `report:${kind}:${building.id}:${label}`
      const mailTo = mailRecipients(options, building.id, key)
      if (to.length === 0 && mailTo.length === 0) continue
      const report = options.build(building.id, period, now)
      if (mailTo.length > 0 && (await mailed(options, report, mailTo, key, now))) sent += mailTo.length
      for (const contact of to) {
        const t = textsFor(contact.locale ?? site.locale)
        const c = report.alertsByClass
        const text =
          `${kind === 'daily' ? t.dailyTitle : t.monthlyTitle} ${building.name} ${label}: ` +
          `${t.classes.fire} ${c.fire}, ${t.classes.fault} ${c.fault}, ${t.openFaults} ${report.openFaults.length}, ` +
          `${t.overdueItems} ${report.overdue.length}`
        const link = `${options.publicUrl()}/api/v1/reports/${kind}.html?building=${building.id}&${kind === 'daily' ? 'date' : 'month'}=${label}`
        const outcome = await options.send(contact, {
          key,
          text,
          link,
          body: { type: 'report', report },
          urgent: false,
        })
        if (outcome !== 'already' && 'sent' in outcome) sent++
      }
    }
    options.log.info({ kind, period: label, sent }, 'reports delivered')
    return sent
  }

  return {
    daily: (now: number) => deliver('daily', now),
    monthly: (now: number) => deliver('monthly', now),
  }
}

export type ReportDelivery = ReturnType<typeof createReportDelivery>

/** E-mail addresses (schedules.reports.email.to) of a building that do not have the report yet. */
function mailRecipients(options: ReportDeliveryOptions, building: string, key: string): string[] {
  const email = options.site.file.schedules.reports.email
  return (email?.to ?? [])
    .filter((t) => !t.buildings || t.buildings.includes(building))
    .map((t) => t.address)
    .filter((address) => !options.noticeLog.has(key, `mailto:${address}`))
}

/** One message to every pending address; true when the relay took it (the next run retries). */
async function mailed(
  options: ReportDeliveryOptions,
  report: BuildingReport,
  to: string[],
  key: string,
  now: number,
): Promise<boolean> {
  try {
    await mailReport(options.site.file.schedules.reports.email!, report, to, key, now)
  } catch (err) {
    options.log.warn({ err, report: key }, 'report e-mail not sent')
    return false
  }
  for (const address of to) options.noticeLog.mark(key, `mailto:${address}`)
  return true
}
