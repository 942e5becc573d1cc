// Calendar helpers of the scheduled work, in the site's local wall time (ingest/wall-clock.ts says
// what a "wall" instant is). This file is named *clock* because it constructs Dates; it never
// reads the current time.

import { DAY_MS } from '../../ingest/index.ts'

/** Local midnight (wall) of the day holding `wall`. */
export function wallDayStart(wall: number): number {
  return Math.floor(wall / DAY_MS) * DAY_MS
}

/** Wall time of a local date `2026-10-01` or date and time `2026-10-01T18:00`. */
export function parseWall(text: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(text)
  if (!m) throw new Error(`not a local date or date-time: ${text}`)
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0))
}

/** Wall time of the first day of a month (`month` 1..12, may overflow into the next year). */
export function wallMonthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1)
}

/** `2026-10-01` of a wall time. */
export function wallDate(wall: number): string {
  return new Date(wall).toISOString().slice(0, 10)
}

/** `2026-10-01 20:00` of a wall time. */
export function wallText(wall: number): string {
  return new Date(wall).toISOString().slice(0, 16).replace('T', ' ')
}

/** RFC 5322 date of an instant, in UTC: `Sun, 22 Nov 2026 23:00:00 +0000`. */
export function mailDate(utcMs: number): string {
  return new Date(utcMs).toUTCString().replace('GMT', '+0000')
}
