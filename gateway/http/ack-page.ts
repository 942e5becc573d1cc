import type { Alert } from '../../alerting/alert.ts'
import { alertMessageIn } from '../../alerting/alert-message.ts'
import type { Locale } from '../../alerting/i18n/locale.ts'
import { messagesFor } from '../../alerting/i18n/messages.ts'
import { localisedNote } from '../../alerting/i18n/system-notes.ts'
import { formatDateTime } from '../../alerting/i18n/time-format.ts'
import { incidentTitle } from '../../alerting/incidents/incident-title.ts'
import type { AckIncident } from '../../alerting/notify/ack-links.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'

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
  /** The incident of the link: what, where, since when, who acknowledged it. */
  incident?: AckIncident | undefined
  /** Shows the acknowledge button (a POST to the page's own URL). */
  form?: boolean
  /** Who has acknowledged the alert so far (names, not ids), oldest first. */
  acknowledgements?: Acknowledgement[]
  /** Epoch ms of the page, for "opened 3 min ago". */
  now?: number
}

export interface Acknowledgement {
  by: string
  /** ISO 8601. */
  at: string
  note: string | null
}

// The few lines only this page says, in both languages of the site. Kept here, beside the page,
// rather than in the notification catalogues: they are not part of any message that is sent.
const PAGE_TEXT: Record<
  Locale,
  { ackedBy: string; nobody: string; ago(min: number): string; aside(text: string): string }
> = {
  en: {
    ackedBy: 'Acknowledged by',
    nobody: 'Nobody has acknowledged it yet.',
    ago: (min) => (min < 1 ? 'just now' : `${min} min ago`),
    aside: (text) => ` (${text})`,
  },
  'zh-CN': {
    ackedBy: '确认人',
    nobody: '尚无人确认。',
    ago: (min) => (min < 1 ? '刚刚' : `${min} 分钟前`),
    // Chinese punctuation: full-width parentheses, no space.
    aside: (text) => `（${text}）`,
  },
}

// Phone first: one column, large text, a button as wide as the screen. No hover styles and
// nothing that appears on touch, so that the first tap lands where the finger is.
const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:34rem;padding:1rem;line-height:1.4}' +
  '.headline{font-size:1.5rem;font-weight:800;margin:.2rem 0;padding:.4rem .6rem;border-radius:.3rem;' +
  'background:#eef0f3;color:#111}.headline.fire{background:#b00020;color:#fff}' +
  '.fire{color:#b00020}dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem}' +
  'dt{font-weight:600}ul.acks{padding-left:1.2rem;margin:.3rem 0}' +
  'button{font-size:1.3rem;padding:.8rem 1.6rem;width:100%;margin-top:.8rem}' +
  'textarea{width:100%;box-sizing:border-box;font-size:1rem}'

/** The page in its reader's language; the alert with the site's names, in the site's time zone. */
export function renderAckPage(page: AckPage, site: SiteModel): string {
  const m = messagesFor(page.locale)
  const incident = page.incident ? incidentDetails({ ...page, incident: page.incident }, site) : ''
  const alert = page.alert ? alertDetails(page, page.alert, site) : ''
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
    `${alert}${incident}${form}</body></html>`
  )
}

/** What, where and when first, in one line a person reads at a glance; then the details. */
function headline(alert: Alert, site: SiteModel, locale: Locale): string {
  const m = messagesFor(locale)
  const where = [site.building(alert.building)?.name ?? alert.building, m.floor(alert.floor), alert.zone]
  const cls = alert.class === 'fire' ? ' fire' : ''
  return `<p class="headline${cls}">${escapeHtml(`${m.classNames[alert.class]} · ${where.join(' · ')}`)}</p>`
}

function alertDetails(page: AckPage, alert: Alert, site: SiteModel): string {
  const locale = page.locale
  const m = messagesFor(locale)
  const text = PAGE_TEXT[locale]
  const time = (iso: string) => formatDateTime(iso, site.timezone, locale)
  const opened =
    page.now === undefined
      ? time(alert.openedAt)
      : `${time(alert.openedAt)}${text.aside(text.ago(Math.floor((page.now - Date.parse(alert.openedAt)) / 60_000)))}`
  const rows: [string, string][] = [
    [m.fieldClass, m.classNames[alert.class]],
    [m.fieldState, m.stateNames[alert.state]],
    [m.fieldBuilding, site.building(alert.building)?.name ?? alert.building],
    [m.fieldFloor, m.floor(alert.floor)],
    [m.fieldZone, alert.zone],
    ...(alert.device !== null ? [[m.fieldDevice, site.labelOf(alert.device)] as [string, string]] : []),
    [m.fieldOpened, opened],
  ]
  if (alert.acknowledgedAt) rows.push([m.fieldAcknowledged, time(alert.acknowledgedAt)])
  const cls = alert.class === 'fire' ? ' class="fire"' : ''
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')
  const message = alertMessageIn(site, alert, locale)
  return (
    `${headline(alert, site, locale)}<p${cls}><strong>${escapeHtml(message)}</strong></p><dl>${dl}</dl>` +
    acknowledgedBy(page, time)
  )
}

/** Who else has taken it: the person holding the phone decides whether to go too. */
function acknowledgedBy(page: AckPage, time: (iso: string) => string): string {
  const acks = page.acknowledgements
  if (acks === undefined) return ''
  const text = PAGE_TEXT[page.locale]
  if (acks.length === 0) return `<p class="acks">${escapeHtml(text.nobody)}</p>`
  const items = acks.map((a) => {
    // An acknowledgement that came with the incident has the gateway's note: in the reader's language.
    const note = a.note ? ` · “${localisedNote(a.note, page.locale)}”` : ''
    return `<li>${escapeHtml(`${a.by} · ${time(a.at)}${note}`)}</li>`
  })
  return `<p class="acks"><strong>${escapeHtml(text.ackedBy)}</strong></p><ul class="acks">${items.join('')}</ul>`
}

/** The incident under its lead alert: the situation as a whole (its title), floors in order, its alerts. */
function incidentDetails(page: AckPage & { incident: AckIncident }, site: SiteModel): string {
  const { locale, alert } = page
  const { incident, acknowledgedBy } = page.incident
  const m = messagesFor(locale)
  // The stored title is in the site's language; the reader's is made from the same parts.
  const title = alert
    ? incidentTitle(site, incident, { ...alert, device: alert.device ?? '' }, locale)
    : incident.title
  const rows: [string, string][] = [
    [m.fieldIncident, title],
    [m.fieldState, m.stateNames[incident.state]],
    [m.fieldFloors, m.floorPath({ floors: incident.floors.map((f) => m.floor(f)) })],
    [m.fieldAlerts, String(incident.alerts.length)],
    [m.fieldOpened, formatDateTime(incident.openedAt, site.timezone, locale)],
  ]
  // The page lists who acknowledged, with notes, under the alert; without that list, here.
  if (acknowledgedBy.length > 0 && page.acknowledgements === undefined)
    rows.push([m.fieldAcknowledgedBy, acknowledgedBy.join(', ')])
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')
  return `<dl>${dl}</dl>`
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
