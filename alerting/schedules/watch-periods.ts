import { cronOf, DAY_MS, fromWall, type HolidayCalendar, toWall, type Watch } from '../../ingest/index.ts'
import { parseWall } from './zone-clock.ts'

const MINUTE_MS = 60_000

/** A heightened watch that is on, with the UTC instants it started and will end. */
export interface ActiveWatch {
  id: string
  name: string
  since: number
  until: number
  buildings: readonly string[] | null
  watch: Watch
}

/**
 * The watches on at `now`: a plain function of time (node-cron only decides when to ask). Periods
 * are reckoned in local wall time, so a night watch "20:00 until 06:00" ends at 06:00 local also
 * on the nights that daylight saving makes 9 or 11 hours long.
 */
export function activeWatches(
  watches: readonly Watch[],
  now: number,
  tz: string,
  calendar?: HolidayCalendar,
): ActiveWatch[] {
  const wallNow = toWall(now, tz)
  const active: ActiveWatch[] = []
  for (const w of watches) {
    const span = periodAt(w, wallNow, calendar)
    if (span === null) continue
    active.push({
      id: w.id,
      name: w.name,
      since: fromWall(span.from, tz),
      until: fromWall(span.to, tz),
      buildings: w.buildings ?? null,
      watch: w,
    })
  }
  return active
}

/**
 * A period as the site file gives it: a cron start with `until` or `hours`, `from` + `to`, or the
 * statutory holidays of the site's calendar.
 */
export type PeriodSpec = Pick<Watch, 'cron' | 'until' | 'hours' | 'from' | 'to'> &
  Partial<Pick<Watch, 'holidays' | 'daysBefore'>>

export interface WallSpan {
  from: number
  to: number
}

/** The occurrence of the period that covers the wall time, or null when it is off then. */
export function periodAt(spec: PeriodSpec, wallNow: number, calendar?: HolidayCalendar): WallSpan | null {
  const span =
    spec.holidays !== undefined
      ? holidaySpan(spec, wallNow, calendar)
      : spec.cron === undefined
        ? rangeSpan(spec)
        : cronSpan(spec, wallNow)
  return span === null || wallNow < span.from || wallNow >= span.to ? null : span
}

/** The holiday period (with its lead days) covering the wall time; none without a calendar. */
function holidaySpan(spec: PeriodSpec, wallNow: number, calendar?: HolidayCalendar): WallSpan | null {
  if (!calendar) return null
  const lead = (spec.daysBefore ?? 0) * DAY_MS
  for (const h of calendar.periods(spec.holidays ?? [])) {
    const span = { from: parseWall(h.from) - lead, to: parseWall(h.to) + DAY_MS }
    if (wallNow >= span.from && wallNow < span.to) return span
  }
  return null
}

function rangeSpan(w: PeriodSpec): WallSpan {
  const from = parseWall(w.from!)
  // A bare date as `to` names the last day of the period (inclusive).
  const to = parseWall(w.to!) + (w.to!.includes('T') ? 0 : DAY_MS)
  return { from, to }
}

/** The latest start (a cron match at or before now) whose period still covers now, if any. */
function cronSpan(w: PeriodSpec, wallNow: number): WallSpan | null {
  const cron = cronOf(w.cron!)
  const longest = w.hours !== undefined ? w.hours * 3_600_000 : DAY_MS
  const nowMinute = Math.floor(wallNow / MINUTE_MS) * MINUTE_MS
  for (let start = nowMinute; start > wallNow - longest; start -= MINUTE_MS) {
    if (!cron.matchesWall(start)) continue
    const to = endOf(w, start)
    // An older start cannot reach further than this one's end: the period ending soonest rules.
    return wallNow < to ? { from: start, to } : null
  }
  return null
}

function endOf(w: PeriodSpec, start: number): number {
  if (w.hours !== undefined) return start + w.hours * 3_600_000
  const [h, m] = w.until!.split(':').map(Number) as [number, number]
  const sameDay = Math.floor(start / DAY_MS) * DAY_MS + (h * 60 + m) * MINUTE_MS
  return sameDay > start ? sameDay : sameDay + DAY_MS
}
