import { formatDateTime } from '../alerting/i18n/time-format.ts'
import type { AlarmFigures, BuildingMonth, MonthlyReport } from './monthly-report.ts'
import { esc, type ReportTexts, reportTexts } from './report-texts.ts'
import type { GradeJson } from './risk-keeper.ts'

// The monthly report as a printable page (A4 portrait, no script, fonts that hold Chinese), in the
// report's language, every time in the site's zone as people there read a clock.

const STYLE =
  '@page{size:A4;margin:14mm}' +
  'body{font-family:"Noto Sans CJK SC","Noto Sans SC","Microsoft YaHei",system-ui,sans-serif;font-size:10.5pt;margin:0 auto;max-width:182mm;line-height:1.4}' +
  'h1{font-size:17pt;margin:0 0 2mm}h2{font-size:13pt;margin:6mm 0 2mm;border-bottom:1px solid #999}h3{font-size:11pt;margin:4mm 0 1mm}' +
  'table{border-collapse:collapse;margin:1mm 0 3mm;width:100%}th,td{border:1px solid #777;padding:1mm 2mm;text-align:left}' +
  'th{background:#eee;width:45%}td.n{text-align:right}' +
  '.grade{display:inline-block;border:2px solid;padding:0 2mm;font-weight:bold}' +
  '.green{border-color:#1b7f3b}.grey{border-color:#666}.yellow{border-color:#b58900}.red{border-color:#c0392b}' +
  'section.b{break-inside:avoid}'

export function monthlyHtml(r: MonthlyReport, links: { pdf?: string } = {}): string {
  const t = reportTexts(r.locale)
  const time = (iso: string) => formatDateTime(iso, r.period.timezone, r.locale)
  const scope = r.scope.kind === 'site' ? `${r.scope.name}${t.aside(t.site)}` : r.scope.name
  const pdf = links.pdf ? ` · <a href="${esc(links.pdf)}">PDF</a>` : ''
  return (
    `<!doctype html><html lang="${r.locale}"><head><meta charset="utf-8"><title>${esc(t.monthlyTitle)} ${esc(scope)} ${esc(r.month)}</title>` +
    `<style>${STYLE}</style></head><body>` +
    `<h1>${esc(t.monthlyTitle)}</h1>` +
    `<p>${esc(scope)} · ${esc(t.period)} ${esc(r.month)}${esc(t.aside(r.period.timezone))}<br>` +
    `${esc(t.labelled(t.due, time(r.due)))} · ${esc(t.labelled(t.generated, time(r.asOf)))}${pdf}</p>` +
    (r.buildings.length > 1 ? `<h2>${esc(t.site)}</h2>${totalsHtml(r, t)}` : '') +
    r.buildings.map((b) => buildingHtml(b, t)).join('') +
    '</body></html>'
  )
}

function totalsHtml(r: MonthlyReport, t: ReportTexts): string {
  const grades = r.buildings.map((b): [string, string, true] => [
    b.building.name,
    `${badge(b.grade.atEnd, t)} · ${esc(t.previousGrade)} ${badge(b.grade.previous, t)}` +
      (b.grade.change === null ? '' : ` · ${esc(t.changes[b.grade.change])}`),
    true,
  ])
  return (
    `<h3>${esc(t.gradesSection)}</h3>${rows(grades)}` +
    `<h3>${esc(t.responseTimes)}</h3>${alarmTable(r.totals.alarms, t)}` +
    `<h3>${esc(t.facilitiesSection)}</h3>` +
    rows([
      [t.intactness, pct(r.totals.intactness, t)],
      ...hazardRows(r.totals.hazards, t),
      [t.patrols, `${r.totals.patrols.sent} / ${r.totals.patrols.confirmed} / ${r.totals.patrols.missed}`],
    ])
  )
}

function buildingHtml(b: BuildingMonth, t: ReportTexts): string {
  return (
    `<section class="b"><h2>${esc(b.building.name)}</h2>` +
    `<h3>${esc(t.grade)}</h3>${gradeHtml(b, t)}` +
    `<h3>${esc(t.responseTimes)}</h3>${alarmTable(b.alarms, t)}` +
    `<h3>${esc(t.facilitiesSection)}</h3>` +
    rows([
      [
        t.intactness,
        `${pct(b.intactness.share, t)}${t.aside(`${b.intactness.reporting}/${b.intactness.devices}`)}`,
      ],
      ...hazardRows(b.hazards, t),
      [t.patrols, `${b.patrols.sent} / ${b.patrols.confirmed} / ${b.patrols.missed}`],
    ]) +
    '</section>'
  )
}

/** A grade's word in its colour's outline, with its points. */
function badge(g: GradeJson | null, t: ReportTexts): string {
  return g
    ? `<span class="grade ${g.grade}">${esc(t.grades[g.grade])}</span>${t.aside(String(g.score))}`
    : esc(t.notKnown)
}

function gradeHtml(b: BuildingMonth, t: ReportTexts): string {
  // Each factor with its count and the points it adds: "挂牌督办隐患 1（+20 分）".
  const atEnd = b.grade.atEnd
  const factors =
    atEnd &&
    t.factorList(
      atEnd.factors.map((f) => ({ name: esc(t.factors[f.key]), count: f.count, points: f.points })),
    )
  return rows([
    [t.grade, badge(b.grade.atEnd, t), true],
    [t.previousGrade, badge(b.grade.previous, t), true],
    [t.change, b.grade.change === null ? esc(t.notKnown) : esc(t.changes[b.grade.change]), true],
    [t.factorsTitle, factors || esc(t.none), true],
  ])
}

function alarmTable(a: AlarmFigures, t: ReportTexts): string {
  const sec = (v: number | null) => (v === null ? t.notKnown : `${v} ${t.seconds}`)
  return rows([
    [`${t.alarms}${t.aside(a.source === 'incidents' ? t.fromIncidents : t.fromAlerts)}`, String(a.alarms)],
    [t.p50, sec(a.ackP50)],
    [t.p90, sec(a.ackP90)],
    [t.fires, String(a.fires)],
    [t.falseAlarms, String(a.falseAlarms)],
    [t.tests, String(a.tests)],
    [t.unexplained, String(a.unexplained)],
    [t.falseAlarmRate, pct(a.falseAlarmRate, t)],
  ])
}

function hazardRows(h: MonthlyReport['totals']['hazards'], t: ReportTexts): [string, string][] {
  return [
    [`${t.hazards}${t.colon}${t.opened}`, String(h.opened)],
    [`${t.hazards}${t.colon}${t.closedInMonth}`, String(h.closed)],
    [`${t.hazards}${t.colon}${t.overdueInMonth}`, String(h.overdue)],
    [`${t.hazards}${t.colon}${t.escalatedInMonth}`, String(h.escalated)],
    [`${t.hazards}${t.colon}${t.openAtEnd}`, String(h.openAtEnd)],
  ]
}

/** Rows of label and value; values are escaped unless marked as already HTML. */
function rows(list: ([string, string] | [string, string, true])[]): string {
  const tr = ([label, value, html]: [string, string, true?]) =>
    `<tr><th>${esc(label)}</th><td>${html ? value : esc(value)}</td></tr>`
  return `<table>${list.map((r) => tr(r as [string, string, true?])).join('')}</table>`
}

function pct(share: number | null, t: ReportTexts): string {
  return share === null ? t.notKnown : `${(share * 100).toFixed(1)} %`
}
