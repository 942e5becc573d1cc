// Local wall time of the site's time zone, with Intl.DateTimeFormat (no time-zone dependency).
// A "wall" instant is the local date and time written as if it were UTC, in epoch ms: wall
// arithmetic then is plain arithmetic (a local day is 86 400 000 wall ms even on the days that
// daylight saving makes 23 or 25 hours long). In ingest/ because the site's cron reader
// (cron-expression.ts) answers in the site's time zone; alerting/schedules/zone-clock.ts adds
// the calendar helpers of the reports. It never reads the current time.

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
