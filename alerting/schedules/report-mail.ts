import type { ReportEmail } from '../../ingest/index.ts'
import type { BuildingReport } from './building-report.ts'
import { renderReportHtml } from './report-html.ts'
import { textsFor } from './schedule-texts.ts'
import { sendMail } from './smtp-client.ts'
import { mailDate } from './zone-clock.ts'

/**
 * One report as an e-mail: the readable HTML page (report-html.ts) as a UTF-8 text/html body in
 * base64, so that Chinese labels and long lines travel through any relay unchanged.
 */
export function reportMessage(
  report: BuildingReport,
  from: string,
  to: readonly string[],
  key: string,
  now: number,
  helo: string,
): string {
  const t = textsFor(report.locale)
  const title = report.kind === 'daily' ? t.dailyTitle : t.monthlyTitle
  const subject = `${title} ${report.building.name} ${report.period.label}`
  const body = Buffer.from(renderReportHtml(report), 'utf8').toString('base64').replace(/.{76}/g, '$&\r\n')
  return [
    `From: ${from}`,
    `To: ${to.join(', ')}`,
    `Subject: =?UTF-8?B?${Buffer.from(subject, 'utf8').toString('base64')}?=`,
    `Date: ${mailDate(now)}`,
    `Message-ID: <${key.replace(/[^A-Za-z0-9.-]/g, '.')}@${helo}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    body,
  ].join('\r\n')
}

/** Sends one report to the addresses given through the site's SMTP relay. */
export async function mailReport(
  email: ReportEmail,
  report: BuildingReport,
  to: readonly string[],
  key: string,
  now: number,
): Promise<void> {
  const { smtp } = email
  const data = reportMessage(report, smtp.from, to, key, now, smtp.helo)
  await sendMail(smtp, { from: smtp.from, to, data })
}
