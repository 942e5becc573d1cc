import { isoTime } from '../alerting/clock-iso.ts'
import { monthlyPeriod } from '../alerting/schedules/report-period.ts'
import { cronOf } from '../ingest/site/cron-expression.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../ingest/store/history-query.ts'
import { type AlarmOutcomes, alarmOutcomes, falseAlarmRate, percentile, summarise } from './alarm-outcomes.ts'
import type { AlertReads } from './alert-reads.ts'
import { facilityIntactness, type Intactness } from './facility-intactness.ts'
import type { HazardStore, MonthFigures } from './hazard-store.ts'
import { RISK_GRADES } from './risk-grade.ts'
import type { GradeJson, RiskKeeper } from './risk-keeper.ts'

export interface AlarmFigures extends AlarmOutcomes {
  ackP50: number | null
  ackP90: number | null
  falseAlarmRate: number | null
}

/** One building's month (docs/register.md "Monthly report"). */
export interface BuildingMonth {
  building: { id: string; name: string }
  alarms: AlarmFigures
  intactness: Intactness
  hazards: MonthFigures
  grade: { atEnd: GradeJson | null; previous: GradeJson | null; change: 'better' | 'same' | 'worse' | null }
  patrols: { sent: number; confirmed: number; missed: number }
}

export interface MonthlyReport {
  scope: { kind: 'site' | 'building'; id: string | null; name: string }
  month: string
  period: { from: string; to: string; timezone: string }
  /** When it is due: the site's monthly report cron (schedules.reports.monthly) after the month. */
  due: string
  asOf: string
  complete: boolean
  locale: 'en' | 'zh-CN'
  buildings: BuildingMonth[]
  totals: {
    alarms: AlarmFigures
    intactness: number | null
    hazards: MonthFigures
    patrols: BuildingMonth['patrols']
  }
}

export interface MonthlyDeps {
  site: SiteModel
  store: HazardStore
  alerts: AlertReads
  readings: ReadingsHistory
  grades: RiskKeeper
  /** False while nothing hears the fire panels (UITD_ENABLED=off): facility-intactness.ts. */
  panelsHeard?: boolean
}

/**
 * The monthly progress report of the whole site or one building: response times (alarm to
 * acknowledgement, p50 / p90, from incidents when the alert file has them, else from fire
 * alerts), the false-alarm rate, facility intactness over the month, hazards opened, closed,
 * overdue and escalated, risk grades at the month's end against the month before, patrol checks.
 * A plain function of the stored history and the time it is made at.
 */
export async function monthlyReport(
  deps: MonthlyDeps,
  month: string,
  building: string | null,
  now: number,
  locale: 'en' | 'zh-CN' = deps.site.locale,
): Promise<MonthlyReport> {
  const { site } = deps
  const period = monthlyPeriod(month, site.timezone)
  const end = Math.min(period.to, now)
  const ids = building === null ? site.buildings.map((b) => b.id) : [building]
  const buildings = await Promise.all(ids.map((id) => buildingMonth(deps, id, period.from, end, period.to)))
  const alarmRows = buildings.flatMap((b) => b.alarms)
  return {
    scope:
      building === null
        ? { kind: 'site', id: null, name: site.name }
        : { kind: 'building', id: building, name: site.building(building)?.name ?? building },
    month,
    period: { from: isoTime(period.from), to: isoTime(period.to), timezone: site.timezone },
    due: isoTime(cronOf(site.file.schedules.reports.monthly).nextAfter(period.to - 1, site.timezone)),
    asOf: isoTime(end),
    complete: now >= period.to,
    locale,
    buildings,
    totals: {
      alarms: figures(summed(alarmRows)),
      intactness: weightedIntactness(buildings.map((b) => b.intactness)),
      hazards: sum(buildings.map((b) => b.hazards)),
      patrols: sum(buildings.map((b) => b.patrols)),
    },
  }
}

async function buildingMonth(
  deps: MonthlyDeps,
  id: string,
  from: number,
  end: number,
  to: number,
): Promise<BuildingMonth> {
  const atEnd = deps.grades.gradeAt(id, end)
  const previous = deps.grades.gradeAt(id, from - 1)
  return {
    building: { id, name: deps.site.building(id)?.name ?? id },
    alarms: figures(alarmOutcomes(deps.alerts, id, from, end)),
    intactness: await facilityIntactness(deps, id, from, end),
    hazards: deps.store.monthFigures(id, from, to),
    grade: { atEnd, previous, change: changeOf(previous, atEnd) },
    patrols: deps.alerts.patrols(id, from, end),
  }
}

function figures(o: AlarmOutcomes): AlarmFigures {
  return {
    ...o,
    ackP50: percentile(o.ackSeconds, 50),
    ackP90: percentile(o.ackSeconds, 90),
    falseAlarmRate: falseAlarmRate(o),
  }
}

function summed(all: readonly AlarmOutcomes[]): AlarmOutcomes {
  const merged = summarise(all[0]?.source ?? 'alerts', [])
  for (const o of all) {
    merged.alarms += o.alarms
    merged.fires += o.fires
    merged.falseAlarms += o.falseAlarms
    merged.tests += o.tests
    merged.unexplained += o.unexplained
    merged.ackSeconds.push(...o.ackSeconds)
  }
  return merged
}

/** Field by field sums of rows of counts (the site's totals of its buildings). */
function sum<T extends object>(rows: readonly T[]): T {
  const out: Record<string, number> = {}
  for (const r of rows) for (const [k, v] of Object.entries(r)) out[k] = (out[k] ?? 0) + (v as number)
  return out as T
}

/** The site's intactness: every device counts once, whichever building it is in. */
function weightedIntactness(all: readonly Intactness[]): number | null {
  const known = all.filter((i) => i.share !== null && i.devices > 0)
  const devices = known.reduce((n, i) => n + i.devices, 0)
  return devices === 0 ? null : known.reduce((s, i) => s + i.share! * i.devices, 0) / devices
}

function changeOf(previous: GradeJson | null, now: GradeJson | null): BuildingMonth['grade']['change'] {
  if (!previous || !now) return null
  const d = RISK_GRADES.indexOf(now.grade) - RISK_GRADES.indexOf(previous.grade)
  return d < 0 ? 'better' : d > 0 ? 'worse' : 'same'
}
