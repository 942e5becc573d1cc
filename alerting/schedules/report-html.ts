import { formatDateTime } from '../i18n/time-format.ts'
import type { BuildingReport, ReportItem } from './building-report.ts'
import { textsFor } from './schedule-texts.ts'

// The readable page of a report: plain HTML with inline style, no script, printable, in the report's
// locale. Times are the site's local time in that locale's habit, the zone named ("2 Nov 2026,
// 09:00:00 GMT+1" / "2026年11月2日 09:00:00（GMT+1）"), as people on site read a clock; the JSON
// report keeps UTC ISO times for programs. Every value from the site file or an alert is escaped.

const STYLE =
  'body{font-family:system-ui,sans-serif;margin:0 auto;max-width:60rem;padding:1rem;line-height:1.4}' +
  'table{border-collapse:collapse;margin:.4rem 0 1.2rem}th,td{border:1px solid #bbb;padding:.2rem .5rem;text-align:left}' +
  'th{background:#eee}.n{text-align:right}h2{font-size:1.1rem;margin-top:1.2rem}'

export function renderReportHtml(r: BuildingReport): string {
  const t = textsFor(r.locale)
  const title = r.kind === 'daily' ? t.dailyTitle : t.monthlyTitle
  const classRows = Object.entries(r.alertsByClass).map(
    ([cls, n]) => `<tr><td>${esc(t.classes[cls as keyof typeof t.classes])}</td><td class="n">${n}</td></tr>`,
  )
  const p = r.patrolChecks
  const time = (iso: string) => formatDateTime(iso, r.period.timezone, r.locale)
  return (
    `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8">` +
    `<title>${esc(title)} - ${esc(r.building.name)} ${esc(r.period.label)}</title><style>${STYLE}</style></head><body>` +
    `<h1>${esc(title)}</h1>` +
    `<p>${esc(t.building)}: <b>${esc(r.building.name)}</b> (${esc(r.building.id)})<br>` +
    `${esc(t.period)}: ${esc(r.period.label)} (${esc(r.period.timezone)})<br>` +
    `${esc(t.generatedAt)}: ${esc(time(r.asOf))}</p>` +
    `<h2>${esc(t.alertsByClass)}</h2>` +
    `<table><tr><th>${esc(t.class)}</th><th>${esc(t.count)}</th></tr>${classRows.join('')}</table>` +
    itemTable(t.openFaults, r.openFaults, t, time) +
    itemTable(t.devicesOffline, r.devicesOffline, t, time) +
    `<h2>${esc(t.testsDone)}</h2><p>${r.testsDone}</p>` +
    `<h2>${esc(t.patrolChecks)}</h2><p>${p.sent} / ${p.confirmed} / ${p.missed}</p>` +
    itemTable(t.overdueItems, r.overdue, t, time) +
    r.sections.map(sectionHtml).join('') +
    '</body></html>'
  )
}

type Texts = ReturnType<typeof textsFor>

function itemTable(
  heading: string,
  items: readonly ReportItem[],
  t: Texts,
  time: (iso: string) => string,
): string {
  if (items.length === 0) return `<h2>${esc(heading)}</h2><p>${esc(t.none)}</p>`
  const head = [t.device, t.location, t.message, t.openSince, t.openFor]
    .map((h) => `<th>${esc(h)}</th>`)
    .join('')
  const rows = items.map((i) => {
    const floor = i.floor < 0 ? `B${-i.floor}` : `${i.floor}F`
    return (
      `<tr><td>${esc(i.device)}</td><td>${esc(`${floor} ${i.zone}`)}</td><td>${esc(i.message)}</td>` +
      `<td>${esc(time(i.openedAt))}</td><td class="n">${i.openHours} ${esc(t.hours)}</td></tr>`
    )
  })
  return `<h2>${esc(heading)}</h2><table><tr>${head}</tr>${rows.join('')}</table>`
}

function sectionHtml(section: BuildingReport['sections'][number]): string {
  const rows = section.rows.map(([label, value]) => `<tr><th>${esc(label)}</th><td>${esc(value)}</td></tr>`)
  return `<h2>${esc(section.title)}</h2><table>${rows.join('')}</table>`
}

function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)
}
