import { DAY_MS, fromWall, toWall, wallFields } from '../../ingest/index.ts'
import { parseWall, wallDate, wallDayStart, wallMonthStart } from './zone-clock.ts'

export type ReportKind = 'daily' | 'monthly'

/** One local day or month of the site, as UTC instants [from, to). */
export interface ReportPeriod {
  kind: ReportKind
  /** `2026-11-22` or `2026-11`. */
  label: string
  from: number
  to: number
}

/** A local day `2026-11-22`; 23 or 25 hours long on the days daylight saving changes. */
export function dailyPeriod(date: string, tz: string): ReportPeriod {
  const start = parseWall(date)
  return { kind: 'daily', label: date, from: fromWall(start, tz), to: fromWall(start + DAY_MS, tz) }
}

/** A local month `2026-11`. */
export function monthlyPeriod(month: string, tz: string): ReportPeriod {
  const [y, m] = month.split('-').map(Number) as [number, number]
  return {
    kind: 'monthly',
    label: month,
    from: fromWall(wallMonthStart(y, m), tz),
    to: fromWall(wallMonthStart(y, m + 1), tz),
  }
}

/** The local day before the one holding `now`: what the morning's daily report is about. */
export function previousDay(now: number, tz: string): string {
  return wallDate(wallDayStart(toWall(now, tz)) - DAY_MS)
}

/** The local month before the one holding `now`: what the monthly report (e.g. on the 20th) covers. */
export function previousMonth(now: number, tz: string): string {
  const f = wallFields(toWall(now, tz))
  const start = wallMonthStart(f.year, f.month - 1)
  return wallDate(start).slice(0, 7)
}

export function periodOf(kind: ReportKind, label: string, tz: string): ReportPeriod {
  return kind === 'daily' ? dailyPeriod(label, tz) : monthlyPeriod(label, tz)
}
