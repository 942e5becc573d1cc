import type { Alert } from '../../alerting/alert.ts'

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

export function renderAckPage(page: AckPage): string {
  const alert = page.alert ? alertDetails(page.alert) : ''
  const form = page.form
    ? '<form method="post"><label>Note (optional)<br><textarea name="note" rows="2" maxlength="1000">' +
      '</textarea></label><button type="submit">Acknowledge</button></form>'
    : ''
  return (
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(page.title)} - Firewatch</title><style>${STYLE}</style></head><body>` +
    `<h1>${escapeHtml(page.title)}</h1>${page.lines.map((l) => `<p>${escapeHtml(l)}</p>`).join('')}` +
    `${alert}${form}</body></html>`
  )
}

function alertDetails(alert: Alert): string {
  const rows: [string, string][] = [
    ['Class', alert.class],
    ['State', alert.state],
    ['Building', alert.building],
    ['Floor', alert.floor < 0 ? `B${-alert.floor}` : String(alert.floor)],
    ['Zone', alert.zone],
    ['Opened', alert.openedAt],
  ]
  if (alert.acknowledgedAt) rows.push(['Acknowledged', alert.acknowledgedAt])
  const cls = alert.class === 'fire' ? ' class="fire"' : ''
  const dl = rows.map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('')
  return `<p${cls}><strong>${escapeHtml(alert.message)}</strong></p><dl>${dl}</dl>`
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
