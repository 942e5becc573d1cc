import type { SiteModel } from '../../ingest/index.ts'
import { ALERT_CLASSES, type AlertClass } from '../alert.ts'
import { isoTime } from '../clock-iso.ts'
import type { PatrolStore } from './patrol-store.ts'
import type { ReportPeriod } from './report-period.ts'
import type { ReportAlertRow, ReportQueries } from './report-queries.ts'

const HOUR_MS = 3_600_000

/** An alert quoted by a report, with how long it had been open at the report's time. */
export interface ReportItem {
  alertId: string
  device: string
  floor: number
  zone: string
  class: AlertClass
  message: string
  openedAt: string
  openHours: number
}

export interface OverdueReportItem extends ReportItem {
  deadlineAt: string
}

/**
 * Lines another part adds to a building's report, already in the report's language: the hazard
 * register's hazards and risk grade (register/daily-addendum.ts), wired by the gateway.
 */
export interface ReportSection {
  title: string
  rows: [string, string][]
}

/** The daily or monthly report of one building (GET /api/v1/reports/{daily,monthly}). */
export interface BuildingReport {
  kind: ReportPeriod['kind']
  building: { id: string; name: string }
  period: { label: string; from: string; to: string; timezone: string }
  /** The report's time: the end of the period, or now while the period is still running. */
  asOf: string
  complete: boolean
  locale: SiteModel['locale']
  alertsByClass: Record<AlertClass, number>
  openFaults: ReportItem[]
  devicesOffline: ReportItem[]
  testsDone: number
  patrolChecks: { sent: number; confirmed: number; missed: number }
  overdue: OverdueReportItem[]
  sections: ReportSection[]
}

export interface ReportSources {
  site: SiteModel
  queries: ReportQueries
  patrols: PatrolStore
  addendum?: (building: string, period: ReportPeriod, now: number) => ReportSection[]
}

/** A plain function of the period and the time it is made at. */
export function buildingReport(
  src: ReportSources,
  building: string,
  period: ReportPeriod,
  now: number,
): BuildingReport {
  const { site, queries } = src
  const asOf = Math.min(period.to, now)
  const opened = queries.openedByClass(building, period.from, period.to)
  const alertsByClass = Object.fromEntries(ALERT_CLASSES.map((c) => [c, opened.get(c) ?? 0])) as Record<
    AlertClass,
    number
  >
  const item = (r: ReportAlertRow): ReportItem => ({
    alertId: r.id,
    device: r.device,
    floor: r.floor,
    zone: r.zone,
    class: r.class as AlertClass,
    message: r.message,
    openedAt: isoTime(r.opened_at),
    openHours: Math.round(((asOf - r.opened_at) / HOUR_MS) * 10) / 10,
  })
  return {
    kind: period.kind,
    building: { id: building, name: site.building(building)?.name ?? building },
    period: {
      label: period.label,
      from: isoTime(period.from),
      to: isoTime(period.to),
      timezone: site.timezone,
    },
    asOf: isoTime(asOf),
    complete: now >= period.to,
    locale: site.locale,
    alertsByClass,
    openFaults: queries.activeAt(building, 'fault', asOf).map(item),
    devicesOffline: queries.activeAt(building, 'offline', asOf).map(item),
    testsDone: queries.testsDone(building, period.from, asOf),
    patrolChecks: src.patrols.counts(building, period.from, asOf),
    overdue: overdueAt(src, building, asOf).map((r) => ({ ...item(r), deadlineAt: isoTime(r.deadline) })),
    sections: src.addendum?.(building, period, now) ?? [],
  }
}

/** Alerts active at `at` past their class's deadline (schedules.overdue), oldest deadline first. */
function overdueAt(src: ReportSources, building: string, at: number) {
  const rows: (ReportAlertRow & { deadline: number })[] = []
  for (const [cls, hours] of Object.entries(src.site.file.schedules.overdue)) {
    if (hours === undefined) continue
    for (const r of src.queries.activeAt(building, cls, at)) {
      const deadline = r.opened_at + hours * HOUR_MS
      if (deadline <= at) rows.push({ ...r, deadline })
    }
  }
  return rows.sort((a, b) => a.deadline - b.deadline)
}
