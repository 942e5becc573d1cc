import { describe, expect, it } from 'vitest'
import { activeWatches } from '../../alerting/schedules/watch-periods.ts'
import { Holidays, holidayCalendarOf } from '../../ingest/site/holiday-schema.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import {
  deadlineInstant,
  escalationDueAt,
  overdueNoticeAt,
  reminderTimes,
} from '../../register/deadline-clock.ts'

// The holiday calendar (2026 as the State Council announced it), deadlines, reminders and the
// working days of grace before supervision, all in site time.

const SH = 'Asia/Shanghai'
const cn = holidayCalendarOf(Holidays.parse({}))
const iso = (ms: number) => new Date(ms).toISOString()

describe('the statutory holiday calendar', () => {
  it('When 2026 is asked, then the seven holidays and six make-up working days of the notice are there', () => {
    expect(cn.periods([]).map((p) => `${p.name} ${p.from}..${p.to}`)).toEqual([
      'new-year 2026-01-01..2026-01-03',
      'spring-festival 2026-02-15..2026-02-23',
      'qingming 2026-04-04..2026-04-06',
      'labour-day 2026-05-01..2026-05-05',
      'dragon-boat 2026-06-19..2026-06-21',
      'mid-autumn 2026-09-25..2026-09-27',
      'national-day 2026-10-01..2026-10-07',
    ])
    // Weekends that are working days (调休), weekdays that are not.
    for (const d of ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'])
      expect(cn.isWorkingDay(d), d).toBe(true)
    for (const d of ['2026-02-16', '2026-05-04', '2026-10-05', '2026-10-11', '2026-12-26'])
      expect(cn.isWorkingDay(d), d).toBe(false)
    expect(cn.isWorkingDay('2026-10-08')).toBe(true)
    expect([cn.hasYear(2026), cn.hasYear(2027)]).toEqual([true, false])
  })

  it('When a site adds 2027 (not announced when this was built), then it is used; a site year replaces the built-in one', () => {
    const site = holidayCalendarOf(
      Holidays.parse({
        years: [
          {
            year: 2027,
            holidays: [{ name: 'spring-festival', from: '2027-02-05', to: '2027-02-11' }],
            workdays: ['2027-02-13'],
          },
          { year: 2026, holidays: [{ name: 'national-day', from: '2026-10-01', to: '2026-10-08' }] },
        ],
      }),
    )
    expect(site.holidayOn('2027-02-08')).toBe('spring-festival')
    expect(site.isWorkingDay('2027-02-13')).toBe(true)
    expect(site.isWorkingDay('2026-10-08')).toBe(false)
    expect(site.holidayOn('2026-02-16')).toBeNull()
    expect(
      Holidays.safeParse({
        years: [{ year: 2027, holidays: [{ name: 'x', from: '2027-02-30', to: '2027-02-01' }] }],
      }).success,
    ).toBe(false)
  })

  it('When a watch names holidays, then it is on from the local midnight `daysBefore` ahead to the end of the last day off', () => {
    const site = parseSite(`
site: { name: Holiday Estate, timezone: ${SH} }
buildings: [{ id: tower-a, name: Tower A, floors: 5 }]
devices: []
schedules:
  watches:
    - { id: golden-week, name: National Day, holidays: [national-day], daysBefore: 1, escalationFactor: 0.5 }
    - { id: all-holidays, name: Holidays, holidays: [] }
`)
    const on = (at: string) =>
      activeWatches(site.file.schedules.watches, Date.parse(at), SH, cn).map((w) => w.id)
    expect(on('2026-09-29T15:59:00Z')).toEqual([])
    // 30 Sep 00:00 in Shanghai.
    expect(on('2026-09-29T16:00:00Z')).toEqual(['golden-week'])
    expect(on('2026-10-03T04:00:00Z')).toEqual(['golden-week', 'all-holidays'])
    expect(on('2026-10-07T15:59:00Z')).toEqual(['golden-week', 'all-holidays'])
    expect(on('2026-10-07T16:00:00Z')).toEqual([])
    expect(on('2026-02-17T04:00:00Z')).toEqual(['all-holidays'])
    const [w] = activeWatches(site.file.schedules.watches, Date.parse('2026-10-03T04:00:00Z'), SH, cn)
    expect([iso(w!.since), iso(w!.until)]).toEqual(['2026-09-29T16:00:00.000Z', '2026-10-07T16:00:00.000Z'])
  })
})

describe('deadlines in site time', () => {
  it('When a deadline is a date, then it falls due at the end of that local day; a date and time, at that local time', () => {
    expect(iso(deadlineInstant('2026-12-20', SH))).toBe('2026-12-20T16:00:00.000Z')
    expect(iso(deadlineInstant('2026-12-20T18:00', SH))).toBe('2026-12-20T10:00:00.000Z')
    // Berlin's last Sunday of October has 25 hours: its end is still local midnight.
    expect(iso(deadlineInstant('2026-10-25', 'Europe/Berlin'))).toBe('2026-10-25T23:00:00.000Z')
  })

  it('When reminders are due, then they come at 09:00 local on their days and never after the deadline', () => {
    const times = reminderTimes('2026-12-20T08:00', [3, 1, 0], '09:00', SH).map((r) => [
      r.daysBefore,
      iso(r.at),
    ])
    // The deadline day's 09:00 comes after its 08:00 deadline: left out.
    expect(times).toEqual([
      [3, '2026-12-17T01:00:00.000Z'],
      [1, '2026-12-19T01:00:00.000Z'],
    ])
    expect(iso(overdueNoticeAt(deadlineInstant('2026-12-20', SH), '09:00', SH))).toBe(
      '2026-12-21T01:00:00.000Z',
    )
  })

  it('When a hazard is overdue, then supervision comes at 09:00 after the working days of grace, holidays and make-up days counted', () => {
    const due = (deadline: string, grace: number) =>
      iso(escalationDueAt(deadlineInstant(deadline, SH), grace, '09:00', SH, cn))
    // Due Friday 18 Dec: Monday 21 is the first working day, Tuesday 22 the one after it.
    expect(due('2026-12-18', 0)).toBe('2026-12-21T01:00:00.000Z')
    expect(due('2026-12-18', 1)).toBe('2026-12-22T01:00:00.000Z')
    // Due Tuesday 29 Sep: 30 Sep is the first working day; then the National Day week is off,
    // Thursday 8 Oct works, Friday 9 Oct, and Saturday 10 Oct is a make-up working day (调休).
    expect(due('2026-09-29', 1)).toBe('2026-10-08T01:00:00.000Z')
    expect(due('2026-09-29', 2)).toBe('2026-10-09T01:00:00.000Z')
    expect(due('2026-09-29', 3)).toBe('2026-10-10T01:00:00.000Z')
    expect(due('2026-09-29', 4)).toBe('2026-10-12T01:00:00.000Z')
    // A deadline at 10:00 on a working day: that day's 09:00 has passed, the next working day's has not.
    expect(due('2026-12-21T10:00', 0)).toBe('2026-12-22T01:00:00.000Z')
  })
})
