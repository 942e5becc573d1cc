// Local wall time of the site's time zone, with Intl.DateTimeFormat (no time-zone dependency).
// A "wall" instant is the local date and time written as if it were UTC, in epoch ms: wall
// arithmetic then is plain arithmetic (a local day is 86 400 000 wall ms even on the days that
// daylight saving makes 23 or 25 hours long). This file is named *clock* because it constructs
// Dates; it never reads the current time.

export const DAY_MS = 86_400_000
const formats = new Map<string, Intl.DateTimeFormat>()

function formatOf(tz: string): Intl.DateTimeFormat {
  let f = formats.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formats.set(tz, f)
  }
  return f
}

/** The local wall time of a UTC instant. */
export function toWall(utcMs: number, tz: string): number {
  const parts: Record<string, number> = {}
  for (const p of formatOf(tz).formatToParts(utcMs)) if (p.type !== 'literal') parts[p.type] = Number(p.value)
  const wholeSec = Date.UTC(
    parts.year!,
    parts.month! - 1,
    parts.day!,
    parts.hour!,
    parts.minute!,
    parts.second!,
  )
  return wholeSec + (((utcMs % 1000) + 1000) % 1000)
}

/**
 * The UTC instant of a local wall time, as Temporal's "compatible" disambiguation: a time repeated
 * by a fall-back change is its first occurrence; a time skipped by a spring-forward change moves
 * forward by the gap (02:30 on a 02:00 -> 03:00 night is 03:30).
 */
export function fromWall(wall: number, tz: string): number {
  const offsetAt = (utc: number) => toWall(utc, tz) - utc
  // The offsets a day before and after cover every change (no zone changes twice in two days).
  const before = wall - offsetAt(wall - DAY_MS)
  const after = wall - offsetAt(wall + DAY_MS)
  const fits = (utc: number) => toWall(utc, tz) === wall
  if (fits(before) && fits(after)) return Math.min(before, after)
  if (fits(after)) return after
  return before
}

export interface WallFields {
  year: number
  /** 1..12 */
  month: number
  /** 1..31 */
  day: number
  hour: number
  minute: number
  /** 0 = Sunday (cron numbering). */
  weekday: number
}

export function wallFields(wall: number): WallFields {
  const d = new Date(wall)
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    weekday: d.getUTCDay(),
  }
}

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
