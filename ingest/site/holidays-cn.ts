// The statutory holidays of the People's Republic of China with their make-up working days (调休),
// as the General Office of the State Council announces them each autumn for the next year. Local
// dates (`2026-10-01`), whole days, inclusive. Fire-prevention plans heighten the watch over every
// one of these periods; a site names them (`schedules.watches[].holidays`) instead of typing dates.
//
// A year the State Council has not announced yet is not guessed: the site file adds it
// (`holidays.years`), and the gateway warns at start-up while the current or the next year is
// missing (docs/register.md "Holiday calendar").

export const HOLIDAY_NAMES = [
  'new-year',
  'spring-festival',
  'qingming',
  'labour-day',
  'dragon-boat',
  'mid-autumn',
  'national-day',
] as const
export type HolidayName = (typeof HOLIDAY_NAMES)[number]

/** Names as the announcements write them. */
export const HOLIDAY_TITLES: Record<HolidayName, { en: string; 'zh-CN': string }> = {
  'new-year': { en: "New Year's Day", 'zh-CN': '元旦' },
  'spring-festival': { en: 'Spring Festival', 'zh-CN': '春节' },
  qingming: { en: 'Qingming Festival', 'zh-CN': '清明节' },
  'labour-day': { en: 'Labour Day', 'zh-CN': '劳动节' },
  'dragon-boat': { en: 'Dragon Boat Festival', 'zh-CN': '端午节' },
  'mid-autumn': { en: 'Mid-Autumn Festival', 'zh-CN': '中秋节' },
  'national-day': { en: 'National Day', 'zh-CN': '国庆节' },
}

export interface HolidayPeriod {
  name: HolidayName
  /** First and last day off, local dates, inclusive. */
  from: string
  to: string
}

export interface HolidayYear {
  year: number
  /** Where the dates come from. */
  source: string
  holidays: readonly HolidayPeriod[]
  /** Weekend days that are working days (调休上班). */
  workdays: readonly string[]
}

/**
 * 国务院办公厅关于2026年部分节假日安排的通知, 4 November 2025
 * (https://www.gov.cn/zhengce/content/202511/content_7047090.htm, as reprinted by Xinhua the same
 * day). 2027's notice was not published when this calendar was written: add it with
 * `holidays.years` once it is.
 */
const CN_2026: HolidayYear = {
  year: 2026,
  source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)',
  holidays: [
    { name: 'new-year', from: '2026-01-01', to: '2026-01-03' },
    { name: 'spring-festival', from: '2026-02-15', to: '2026-02-23' },
    { name: 'qingming', from: '2026-04-04', to: '2026-04-06' },
    { name: 'labour-day', from: '2026-05-01', to: '2026-05-05' },
    { name: 'dragon-boat', from: '2026-06-19', to: '2026-06-21' },
    { name: 'mid-autumn', from: '2026-09-25', to: '2026-09-27' },
    { name: 'national-day', from: '2026-10-01', to: '2026-10-07' },
  ],
  workdays: ['2026-01-04', '2026-02-14', '2026-02-28', '2026-05-09', '2026-09-20', '2026-10-10'],
}

export const CN_HOLIDAY_YEARS: readonly HolidayYear[] = [CN_2026]

/**
 * The calendar a site works with: the built-in years, each replaced by the site's own entry for
 * the same year (a correction, or a year announced after this release).
 */
export class HolidayCalendar {
  private readonly years = new Map<number, HolidayYear>()
  private readonly off = new Map<string, HolidayName>()
  private readonly on = new Set<string>()

  constructor(years: readonly HolidayYear[]) {
    for (const y of years) this.years.set(y.year, y)
    for (const y of this.years.values()) {
      for (const h of y.holidays) for (const day of daysOf(h.from, h.to)) this.off.set(day, h.name)
      for (const day of y.workdays) this.on.add(day)
    }
  }

  /** True when the calendar knows the year's announcement. */
  hasYear(year: number): boolean {
    return this.years.has(year)
  }

  /** The year's announcement, as the calendar holds it. */
  yearOf(year: number): HolidayYear | undefined {
    return this.years.get(year)
  }

  /** The holiday a local date belongs to, or null. */
  holidayOn(date: string): HolidayName | null {
    return this.off.get(date) ?? null
  }

  /** A working day: a make-up working day, or a weekday that is no holiday. */
  isWorkingDay(date: string): boolean {
    if (this.on.has(date)) return true
    if (this.off.has(date)) return false
    const weekday = dayNumber(date) % 7
    // Day 0 of dayNumber (1970-01-01) was a Thursday: 2 and 3 are Saturday and Sunday.
    return weekday !== 2 && weekday !== 3
  }

  /** Every period of the named holidays (all of them when `names` is empty), oldest first. */
  periods(names: readonly HolidayName[]): HolidayPeriod[] {
    const all = [...this.years.values()].flatMap((y) => y.holidays)
    const wanted = names.length === 0 ? all : all.filter((h) => names.includes(h.name))
    return wanted.sort((a, b) => (a.from < b.from ? -1 : 1))
  }
}

/** Days since 1970-01-01 of a local date `YYYY-MM-DD` (calendar arithmetic, no time zone). */
export function dayNumber(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return Math.floor(Date.UTC(y, m - 1, d) / 86_400_000)
}

/** True for a date of the calendar (`2026-02-30` is none: Date.UTC would roll it into March). */
export function isCalendarDate(date: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(date) && dateOfDay(dayNumber(date)) === date
}

/** The local date `YYYY-MM-DD` of a day number (formats a given instant; reads no clock). */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10)
}

function daysOf(from: string, to: string): string[] {
  const days: string[] = []
  for (let n = dayNumber(from); n <= dayNumber(to); n++) days.push(dateOfDay(n))
  return days
}
