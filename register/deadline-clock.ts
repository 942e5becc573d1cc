// Deadlines, reminders and escalation times of hazards, in the site's local time (site.timezone)
// and its holiday calendar. Plain functions of the instants given: they never read the clock, so
// the register's job finds the same due times after a restart (nothing to remember but "sent").

import { parseWall, wallDate } from '../alerting/schedules/zone-clock.ts'
import { dateOfDay, dayNumber, type HolidayCalendar } from '../ingest/site/holidays-cn.ts'
import { DAY_MS, fromWall, toWall } from '../ingest/wall-clock.ts'

const MINUTE_MS = 60_000
/** No search walks further than this for a working day (a year of holidays would not). */
const MAX_DAYS = 400

/** `2026-12-20` (the whole local day: due by its end) or `2026-12-20T18:00` (that local time). */
export const DEADLINE_PATTERN = /^\d{4}-\d{2}-\d{2}(T([01]\d|2[0-3]):[0-5]\d)?$/

/** The instant a deadline falls due: the end of a date, or the local time given. */
export function deadlineInstant(deadline: string, tz: string): number {
  const wall = parseWall(deadline)
  return fromWall(deadline.includes('T') ? wall : wall + DAY_MS, tz)
}

/** The local day a deadline belongs to (the date a person wrote). */
export function deadlineDay(deadline: string): string {
  return deadline.slice(0, 10)
}

/** A deadline `days` whole local days after `now`: that day's date (due by its end). */
export function deadlineAfterDays(now: number, days: number, tz: string): string {
  return wallDate(toWall(now, tz) + days * DAY_MS)
}

function minutesOf(at: string): number {
  const [h, m] = at.split(':').map(Number) as [number, number]
  return (h * 60 + m) * MINUTE_MS
}

/** The local time `at` on a local date, as an instant. */
export function timeOn(date: string, at: string, tz: string): number {
  return fromWall(parseWall(date) + minutesOf(at), tz)
}

/** Reminder instants `daysBefore` the deadline day at `at`, only those before the deadline. */
export function reminderTimes(
  deadline: string,
  daysBefore: readonly number[],
  at: string,
  tz: string,
): { daysBefore: number; at: number }[] {
  const due = deadlineInstant(deadline, tz)
  const day = dayNumber(deadlineDay(deadline))
  return daysBefore
    .map((d) => ({ daysBefore: d, at: timeOn(dateOfDay(day - d), at, tz) }))
    .filter((r) => r.at < due)
    .sort((a, b) => a.at - b.at)
}

/** The first notice time (`at`, any day) at or after the deadline: when "overdue" is told. */
export function overdueNoticeAt(deadlineAt: number, at: string, tz: string): number {
  const wall = toWall(deadlineAt, tz)
  let day = dayNumber(wallDate(wall))
  while (day * DAY_MS + minutesOf(at) < wall) day++
  return fromWall(day * DAY_MS + minutesOf(at), tz)
}

/**
 * When an overdue hazard goes under supervision (挂牌督办): at `at` on the working day that is
 * `graceWorkingDays` working days after the first working day whose `at` comes after the deadline.
 * Weekends, statutory holidays and their make-up working days (调休) come from the calendar.
 */
export function escalationDueAt(
  deadlineAt: number,
  graceWorkingDays: number,
  at: string,
  tz: string,
  calendar: HolidayCalendar,
): number {
  const wall = toWall(deadlineAt, tz)
  const atMs = minutesOf(at)
  const working = (day: number) => calendar.isWorkingDay(dateOfDay(day))
  let day = dayNumber(wallDate(wall))
  const last = day + MAX_DAYS
  while (day < last && !(working(day) && day * DAY_MS + atMs >= wall)) day++
  for (let left = graceWorkingDays; left > 0 && day < last; ) {
    day++
    if (working(day)) left--
  }
  return fromWall(day * DAY_MS + atMs, tz)
}
