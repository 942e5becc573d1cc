import type { ReportSection } from '../alerting/schedules/building-report.ts'
import type { ReportPeriod } from '../alerting/schedules/report-period.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { HazardStore } from './hazard-store.ts'
import { reportTexts } from './report-texts.ts'
import type { RiskKeeper } from './risk-keeper.ts'

/**
 * The register in short, for the daily (and the alerts' monthly) building report: hazards of the
 * period (opened, closed, overdue, put under supervision, open at its end) and the risk grade at
 * its end with the factors behind it. In the site's language, as the rest of that report.
 */
export function dailyAddendum(
  deps: { site: SiteModel; store: HazardStore; grades: RiskKeeper },
  building: string,
  period: ReportPeriod,
  now: number,
): ReportSection[] {
  const t = reportTexts(deps.site.locale)
  const h = deps.store.monthFigures(building, period.from, Math.min(period.to, now))
  const grade = deps.grades.gradeAt(building, Math.min(period.to, now))
  const factors =
    grade && t.factorList(grade.factors.map((f) => ({ name: t.factors[f.key], count: f.count })))
  return [
    {
      title: t.hazards,
      rows: [
        [t.opened, String(h.opened)],
        [t.closedInMonth, String(h.closed)],
        [t.overdueInMonth, String(h.overdue)],
        [t.escalatedInMonth, String(h.escalated)],
        [t.openAtEnd, String(h.openAtEnd)],
      ],
    },
    {
      title: t.grade,
      rows: [
        [t.grade, grade ? `${t.grades[grade.grade]} (${grade.score})` : t.notKnown],
        [t.factorsTitle, factors || t.none],
      ],
    },
  ]
}
