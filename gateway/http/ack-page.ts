import type { Alert } from '../../alerting/alert.ts'
import { alertMessageIn } from '../../alerting/alert-message.ts'
import type { Locale } from '../../alerting/i18n/locale.ts'
import { messagesFor } from '../../alerting/i18n/messages.ts'
import { formatDateTime } from '../../alerting/i18n/time-format.ts'
import type { SiteModel } from '../../ingest/site-model.ts'

// The small HTML pages of the one-tap acknowledgement links. No script at all (and a CSP that
// forbids it): a link preview or a mail scanner that fetches the page cannot acknowledge anything;
// only the form's POST does.

export const ACK_PAGE_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'content-security-policy':
    "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-robots-tag': 'noindex, nofollow',
  'x-content-type-options': 'nosniff',
}

export interface AckPage {
  /** The reader's language: the contact's for a valid link. */
  locale: Locale
  title: string
  lines: string[]
  alert?: Alert
  /** Shows the acknowledge button (a POST to the page's own URL). */
  form?: boolean
}

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:34rem;padding:1rem;line-height:1.4}' +
  '.fire{color:#b00020}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}' +
  'button{font-size:1.3rem;padding:.8rem 1.6rem;width:100%;margin-top:.8rem}' +
  'textarea{width:100%;box-sizing:border-box}'

/** The page in its reader's language; the alert with the site's names, in the site's time zone. */
export function renderAckPage(page: AckPage, site: SiteModel): string {
  const m = messagesFor(page.locale)
  const alert = page.alert ? alertDetails(page.alert, site, page.locale) : ''
  const form = page.form
    ? `<form method="post"><label>${escapeHtml(m.ackNoteLabel)}<br>` +
      '<textarea name="note" rows="2" maxlength="1000"></textarea></label>' +
      `<button type="submit">${escapeHtml(m.ackButton)}</button></form>`
    : ''
  return (
    `<!doctype html><html lang="${escapeHtml(m.htmlLang)}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(page.title)} - Firewatch</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(page.title)}</h1>${page.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}` +
    `${alert}${form}</body></html>`
  )
}

function alertDetails(alert: Alert, site: SiteModel, locale: Locale): string {
  const m = messagesFor(locale)
  const time = (iso: string) => formatDateTime(iso, site.timezone, locale)
  const rows: [string, string][] = [
    [m.fieldClass, m.classNames[alert.class]],
    [m.fieldState, m.stateNames[alert.state]],
    [m.fieldBuilding, site.building(alert.building)?.name ?? alert.building],
    [m.fieldFloor, m.floor(alert.floor)],
    [m.fieldZone, alert.zone],
    ...(alert.device !== null ? [[m.fieldDevice, site.labelOf(alert.device)] as [string, string]] : []),
    [m.fieldOpened, time(alert.openedAt)],
  ]
  if (alert.acknowledgedAt) rows.push([m.fieldAcknowledged, time(alert.acknowledgedAt)])
  const cls = alert.class === 'fire' ? ' class="fire"' : ''
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')
  const message = alertMessageIn(site, alert, locale)
  return `<p${cls}><strong>${escapeHtml(message)}</strong></p><dl>${dl}</dl>`
}

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
}
