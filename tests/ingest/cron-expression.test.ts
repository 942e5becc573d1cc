import { describe, expect, it } from 'vitest'
import { CronExpression, cronOf, readCron } from '../../ingest/site/cron-expression.ts'

const utc = (iso: string) => Date.parse(iso)
const iso = (ms: number) => new Date(ms).toISOString()

/** The problem readCron gives, or 'ok'. */
const problem = (text: string) => {
  const r = readCron(text)
  return r.ok ? 'ok' : r.problem
}

describe('the site cron reader', () => {
  it('When an expression has a seconds field, then it is refused and the message names that field', () => {
    expect(problem('0 0 20 * * *')).toMatch(/^seconds field: not supported, schedules run on whole minutes/)
    expect(problem('* * * * * *')).toMatch(/remove the first field \("\*"\)/)
    const parsed = CronExpression.safeParse('30 0 9 * * 1')
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toMatch(/^seconds field/)
  })

  it.each([
    ['every day', /^not a cron expression: 2 fields, expected five fields/],
    ['@daily', /nicknames such as @daily are not supported/],
    ['60 * * * *', /^minute field "60": 60 is out of range 0-59/],
    ['0 25 * * *', /^hour field "25": 25 is out of range 0-23/],
    ['0 0 0 * *', /^day of month field "0": 0 is out of range 1-31/],
    ['0 0 L * *', /^day of month field "L": "L" is not a number from 1 to 31/],
    ['0 0 * 13 *', /^month field "13"/],
    ['0 0 * * 1#2', /^day of week field "1#2": "1#2" is not n, a-b/],
    ['0 0 * * ?', /^day of week field "\?"/],
    ['0 22-2 * * *', /^hour field "22-2": 22-2 runs backwards/],
    ['*/0 * * * *', /^minute field "\*\/0": step 0 must be at least 1/],
    ['0 0 30 feb *', /^day of month field "30": never falls in month "feb"/],
  ])('When the expression is %j, then it is refused naming the field', (text, message) => {
    expect(problem(text)).toMatch(message)
    expect(() => cronOf(text)).toThrow(problem(text))
  })

  it('When fields use lists, ranges, steps and names, then the minutes they match are the cron ones', () => {
    expect(problem('*/15 8-18/2 1,15 jan-mar,oct mon-fri')).toBe('ok')
    const c = cronOf('*/15 8-18/2 * * mon-fri')
    const at = (text: string) => c.matches(utc(text), 'UTC')
    expect(at('2026-11-23T08:45:00Z')).toBe(true) // a Monday
    expect(at('2026-11-23T09:00:00Z')).toBe(false) // 9 is not in 8-18/2
    expect(at('2026-11-23T08:44:59Z')).toBe(false)
    expect(at('2026-11-22T08:45:00Z')).toBe(false) // a Sunday
    // Sunday is 0 or 7.
    expect(cronOf('0 0 * * 7').matches(utc('2026-11-22T00:00:30Z'), 'UTC')).toBe(true)
  })

  it('When both day fields are restricted, then a day matching either one matches (Vixie cron); with one starting with *, both must', () => {
    // 2026-12-01 is a Tuesday; 2026-11-30 a Monday.
    const either = cronOf('0 9 1 * mon')
    expect(either.matches(utc('2026-12-01T09:00:00Z'), 'UTC')).toBe(true)
    expect(either.matches(utc('2026-11-30T09:00:00Z'), 'UTC')).toBe(true)
    expect(either.matches(utc('2026-12-02T09:00:00Z'), 'UTC')).toBe(false)
    const both = cronOf('0 9 */2 * mon')
    expect(both.matches(utc('2026-11-30T09:00:00Z'), 'UTC')).toBe(false) // Monday the 30th: even
    expect(both.matches(utc('2026-12-07T09:00:00Z'), 'UTC')).toBe(true) // Monday the 7th: odd
  })

  it('When asked for the next match, then it answers in the site time zone', () => {
    const daily = cronOf('0 8 * * *')
    // 08:00 in Shanghai is 00:00 UTC.
    expect(iso(daily.nextAfter(utc('2026-11-22T23:59:00Z'), 'Asia/Shanghai'))).toBe(
      '2026-11-23T00:00:00.000Z',
    )
    expect(iso(daily.nextAfter(utc('2026-11-23T00:00:00Z'), 'Asia/Shanghai'))).toBe(
      '2026-11-24T00:00:00.000Z',
    )
    const monthly = cronOf('0 9 20 * *')
    expect(iso(monthly.nextAfter(utc('2026-11-20T01:00:00Z'), 'Asia/Shanghai'))).toBe(
      '2026-12-20T01:00:00.000Z',
    )
    expect(iso(cronOf('0 0 29 2 *').nextAfter(utc('2026-03-01T00:00:00Z'), 'UTC'))).toBe(
      '2028-02-29T00:00:00.000Z',
    )
  })

  it('When daylight saving skips or repeats a local minute, then it fires once, at the moved or first time', () => {
    const tz = 'America/New_York'
    const c = cronOf('30 2 * * *')
    // 2026-03-08: 02:00 -> 03:00 EDT; 02:30 is moved to 03:30 EDT (07:30 UTC).
    expect(iso(c.nextAfter(utc('2026-03-08T06:00:00Z'), tz))).toBe('2026-03-08T07:30:00.000Z')
    const fallBack = cronOf('30 1 * * *')
    // 2026-11-01: 01:30 EDT (05:30 UTC) and again 01:30 EST (06:30 UTC): only the first.
    const first = fallBack.nextAfter(utc('2026-11-01T04:00:00Z'), tz)
    expect(iso(first)).toBe('2026-11-01T05:30:00.000Z')
    expect(iso(fallBack.nextAfter(first, tz))).toBe('2026-11-02T06:30:00.000Z')
  })
})
