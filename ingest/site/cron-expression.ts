import { z } from 'zod'
import { DAY_MS, fromWall, toWall, type WallFields, wallFields } from '../wall-clock.ts'

// The one cron reader of the site file: heightened watches, duty shifts, reports and scheduled test
// windows all mean the same thing by the same expression. The calendar work it drives (README
// "Scheduled work": daily summary, monthly report on the 20th, night watch 20:00-06:00, test
// windows) is reckoned in whole minutes of the site's local time, so the grammar is the classic
// five fields of POSIX / Vixie cron, read in the site's time zone:
//
//   minute (0-59)  hour (0-23)  day of month (1-31)  month (1-12, jan-dec)  day of week (0-7, sun-sat; 0 and 7 = Sunday)
//
// Each field is `*` or a comma list of `n`, `a-b`, `*/s`, `a-b/s` or `a/s`. As in Vixie cron, when
// both day fields are restricted (neither starts with `*`) a day matching either one matches.
// What these semantics cannot honour is refused, naming the field: a seconds field (node-cron's
// six-field form), nicknames such as @daily, Quartz extensions (L, W, #, ?) and dates that never
// come (30 February).

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
/** A 29 February falls within 8 years; the widest gap between two matches the checks allow. */
const MAX_SCAN_DAYS = 8 * 366 + 1

interface FieldSpec {
  name: string
  min: number
  max: number
  names?: readonly string[]
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  {
    name: 'month',
    min: 1,
    max: 12,
    names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'],
  },
  { name: 'day of week', min: 0, max: 7, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
]

const FORM = 'five fields: minute hour day-of-month month day-of-week'
/** Days in each month, with a leap February: a day that exists in some year is possible. */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]

export class CronError extends Error {
  constructor(
    readonly expression: string,
    readonly problem: string,
  ) {
    super(`"${expression}": ${problem}`)
    this.name = 'CronError'
  }
}

/** A parsed expression. Build it with readCron (or cronOf after the site file was validated). */
export class CronSchedule {
  /** Sorted, for nextAfter's walk through a day. */
  private readonly minutes: number[]
  private readonly hours: number[]
  /** The same values as sets, for matchesFields (watch look-backs match minute by minute). */
  private readonly minuteSet: ReadonlySet<number>
  private readonly hourSet: ReadonlySet<number>
  private readonly monthDays: ReadonlySet<number>
  private readonly months: ReadonlySet<number>
  private readonly weekdays: ReadonlySet<number>
  /** Vixie cron: with both day fields restricted, a day matching either one matches. */
  private readonly eitherDay: boolean

  constructor(
    readonly expression: string,
    fields: readonly number[][],
    restricted: { monthDay: boolean; weekday: boolean },
  ) {
    const [minute, hour, monthDay, month, weekday] = fields as [
      number[],
      number[],
      number[],
      number[],
      number[],
    ]
    this.minutes = minute
    this.hours = hour
    this.minuteSet = new Set(minute)
    this.hourSet = new Set(hour)
    this.monthDays = new Set(monthDay)
    this.months = new Set(month)
    this.weekdays = new Set(weekday.map((d) => d % 7))
    this.eitherDay = restricted.monthDay && restricted.weekday
  }

  /** True when the expression fires in the local minute with these fields. */
  matchesFields(t: WallFields): boolean {
    return (
      this.minuteSet.has(t.minute) && this.hourSet.has(t.hour) && this.dayMatches(t.month, t.day, t.weekday)
    )
  }

  /** True when the expression fires in the local minute holding this wall time (wall-clock.ts). */
  matchesWall(wall: number): boolean {
    return this.matchesFields(wallFields(wall))
  }

  /** True when the expression fires in the minute holding the instant, in time zone `tz`. */
  matches(utcMs: number, tz: string): boolean {
    return this.matchesWall(toWall(utcMs, tz))
  }

  /**
   * The first instant after `utcMs` at which the expression fires in time zone `tz` (the start of
   * a matching local minute). Each local minute fires once: a minute repeated by a fall-back change
   * at its first occurrence, a minute skipped by a spring-forward change at the time it is moved to
   * (fromWall: 02:30 on a 02:00 -> 03:00 night fires at 03:30).
   */
  nextAfter(utcMs: number, tz: string): number {
    const wallAfter = toWall(utcMs, tz)
    let day = Math.floor(wallAfter / DAY_MS) * DAY_MS
    for (let i = 0; i < MAX_SCAN_DAYS; i++, day += DAY_MS) {
      const f = wallFields(day)
      if (!this.dayMatches(f.month, f.day, f.weekday)) continue
      for (const h of this.hours) {
        for (const m of this.minutes) {
          const wall = day + h * HOUR_MS + m * MINUTE_MS
          if (wall <= wallAfter - MINUTE_MS) continue
          const at = fromWall(wall, tz)
          if (at > utcMs) return at
        }
      }
    }
    // readCron refuses the expressions that never fire, so this is a bug, not bad input.
    throw new CronError(this.expression, `no match within ${MAX_SCAN_DAYS} days`)
  }

  private dayMatches(month: number, day: number, weekday: number): boolean {
    if (!this.months.has(month)) return false
    const dom = this.monthDays.has(day)
    const dow = this.weekdays.has(weekday)
    return this.eitherDay ? dom || dow : dom && dow
  }
}

export type CronReading = { ok: true; cron: CronSchedule } | { ok: false; problem: string }

/** Parses and checks an expression; the problem names the field at fault. */
export function readCron(expression: string): CronReading {
  const text = expression.trim()
  if (text.startsWith('@'))
    return {
      ok: false,
      problem: `not a cron expression: nicknames such as ${text} are not supported; use ${FORM}`,
    }
  const parts = text === '' ? [] : text.split(/\s+/)
  if (parts.length === 6)
    return {
      ok: false,
      problem:
        'seconds field: not supported, schedules run on whole minutes of the site time; ' +
        `remove the first field ("${parts[0]}") and use ${FORM}`,
    }
  if (parts.length !== 5)
    return { ok: false, problem: `not a cron expression: ${parts.length} fields, expected ${FORM}` }
  const fields: number[][] = []
  for (let i = 0; i < 5; i++) {
    const spec = FIELDS[i]!
    const values = readField(parts[i]!, spec)
    if (typeof values === 'string')
      return { ok: false, problem: `${spec.name} field "${parts[i]}": ${values}` }
    fields.push(values)
  }
  const restricted = { monthDay: !parts[2]!.startsWith('*'), weekday: !parts[4]!.startsWith('*') }
  // With the day of week unrestricted, the day of month alone decides: it must exist in a month.
  if (!(restricted.monthDay && restricted.weekday)) {
    const [, , monthDays, months] = fields as [number[], number[], number[], number[]]
    if (!months.some((m) => monthDays.some((d) => d <= MONTH_DAYS[m - 1]!)))
      return { ok: false, problem: `day of month field "${parts[2]}": never falls in month "${parts[3]}"` }
  }
  return { ok: true, cron: new CronSchedule(text, fields, restricted) }
}

/** The values of one field, ascending, or what is wrong with it. */
function readField(text: string, spec: FieldSpec): number[] | string {
  const values = new Set<number>()
  for (const item of text.split(',')) {
    const m = /^(\*|[a-z0-9]+(?:-[a-z0-9]+)?)(?:\/(\d+))?$/i.exec(item)
    if (!m) return `"${item}" is not n, a-b, */s, a-b/s or a/s`
    const step = m[2] === undefined ? 1 : Number(m[2])
    if (step < 1) return `step ${m[2]} must be at least 1`
    let from = spec.min
    let to = spec.max === 7 ? 6 : spec.max
    if (m[1] !== '*') {
      const [a, b] = m[1]!.split('-') as [string, string | undefined]
      const start = fieldValue(a, spec)
      if (typeof start === 'string') return start
      const end = b === undefined ? (m[2] === undefined ? start : spec.max) : fieldValue(b, spec)
      if (typeof end === 'string') return end
      if (end < start) return `${start}-${end} runs backwards (write it as two ranges)`
      from = start
      to = end
    }
    for (let v = from; v <= to; v += step) values.add(v)
  }
  return [...values].sort((x, y) => x - y)
}

function fieldValue(token: string, spec: FieldSpec): number | string {
  if (/^\d+$/.test(token)) {
    const n = Number(token)
    return n >= spec.min && n <= spec.max ? n : `${n} is out of range ${spec.min}-${spec.max}`
  }
  const named = spec.names?.indexOf(token.toLowerCase()) ?? -1
  if (named >= 0) return named + (spec.name === 'month' ? 1 : 0)
  const names = spec.names ? ` or a name such as ${spec.names[1]}` : ''
  return `"${token}" is not a number from ${spec.min} to ${spec.max}${names}`
}

const compiled = new Map<string, CronSchedule>()

/**
 * The schedule of an expression the site file's schema already accepted (cached: the watch job
 * asks every minute). Throws a CronError for an expression that did not pass through it.
 */
export function cronOf(expression: string): CronSchedule {
  let cron = compiled.get(expression)
  if (!cron) {
    const read = readCron(expression)
    if (!read.ok) throw new CronError(expression, read.problem)
    cron = read.cron
    compiled.set(expression, cron)
  }
  return cron
}

/** A cron expression at the input boundary (site file): the issue names the field at fault. */
export const CronExpression = z.string().superRefine((text, ctx) => {
  const read = readCron(text)
  if (!read.ok) ctx.addIssue({ code: 'custom', message: read.problem })
})
