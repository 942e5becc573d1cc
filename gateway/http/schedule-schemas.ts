import { z } from 'zod'

// Query strings and bodies of the scheduled-work routes (README "Scheduled work"); validated like every other
// route (request-schemas.ts `validated`), so a bad one is a 400 with the zod issues.

const BuildingId = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .describe('building id')

const isCalendarDate = (text: string) => {
  const [y, m, d] = text.split('-').map(Number) as [number, number, number]
  const daysInMonth = [
    31,
    y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28,
    31,
    30,
    31,
    30,
    31,
    31,
    30,
    31,
    30,
    31,
  ]
  return m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth[m - 1]!
}

export const DailyReportQuery = z
  .object({
    building: BuildingId,
    date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'a local date such as 2026-11-22')
      .refine(isCalendarDate, 'not a calendar date')
      .optional()
      .describe("local date in the site's time zone; default: today (so far)"),
  })
  .strict()

export const MonthlyReportQuery = z
  .object({
    building: BuildingId,
    month: z
      .string()
      .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-11')
      .optional()
      .describe("local month in the site's time zone; default: this month (so far)"),
  })
  .strict()

export const OverdueQuery = z.object({ building: BuildingId.optional() }).strict()

export const PatrolChecksQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(500).default(100) })
  .strict()

export const ConfirmBody = z.object({ note: z.string().max(1000).optional() }).strict()
