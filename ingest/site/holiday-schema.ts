import { z } from 'zod'
import {
  CN_HOLIDAY_YEARS,
  HOLIDAY_NAMES,
  HolidayCalendar,
  type HolidayYear,
  isCalendarDate,
} from './holidays-cn.ts'

// The `holidays:` section of the site file: which statutory calendar applies, and the years a site
// adds or corrects (2027 until its announcement is built in). All optional.

const LocalDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date such as 2027-02-06')
  .refine(isCalendarDate, 'not a calendar date')

const HolidayPeriodInput = z
  .object({ name: z.enum(HOLIDAY_NAMES), from: LocalDate, to: LocalDate })
  .strict()
  .refine((h) => h.from <= h.to, { message: '`from` must not be after `to`', path: ['to'] })

export const HolidayYearInput = z
  .object({
    year: z.number().int().min(2000).max(2100),
    /** Where the dates come from, e.g. the notice's title and date. */
    source: z.string().min(1).max(200).default('site file'),
    holidays: z.array(HolidayPeriodInput).min(1),
    /** Weekend days that are working days (调休上班). */
    workdays: z.array(LocalDate).default([]),
  })
  .strict()

export const Holidays = z
  .object({
    /** `cn`: the State Council's calendar built into Firewatch; `none`: only the years below. */
    builtIn: z.enum(['cn', 'none']).default('cn'),
    /** Years the built-in calendar lacks, or corrections: a year here replaces the built-in one. */
    years: z.array(HolidayYearInput).default([]),
  })
  .strict()
export type Holidays = z.infer<typeof Holidays>

export const holidayShape = { holidays: Holidays.default(Holidays.parse({})) }

/** Each year given once, every date inside its year. */
export function checkHolidayYears(holidays: Holidays, ctx: z.RefinementCtx): void {
  const seen = new Set<number>()
  holidays.years.forEach((y, i) => {
    const at = (...path: (string | number)[]) => ['holidays', 'years', i, ...path]
    if (seen.has(y.year)) ctx.addIssue({ code: 'custom', path: at('year'), message: `year ${y.year} twice` })
    seen.add(y.year)
    const outside = (d: string) => !d.startsWith(`${y.year}-`) && !d.startsWith(`${y.year - 1}-12`)
    y.holidays.forEach((h, j) => {
      if (outside(h.from))
        ctx.addIssue({ code: 'custom', path: at('holidays', j, 'from'), message: 'not in the year' })
    })
    y.workdays.forEach((d, j) => {
      if (outside(d)) ctx.addIssue({ code: 'custom', path: at('workdays', j), message: 'not in the year' })
    })
  })
}

/** The calendar of a site: built-in years, replaced or added to by the site's own. */
export function holidayCalendarOf(holidays: Holidays): HolidayCalendar {
  const years = new Map<number, HolidayYear>()
  if (holidays.builtIn === 'cn') for (const y of CN_HOLIDAY_YEARS) years.set(y.year, y)
  for (const y of holidays.years) years.set(y.year, y)
  return new HolidayCalendar([...years.values()])
}
