import { z } from 'zod'
import { HAZARD_STATES } from '../../register/hazard.ts'

// Query strings of the register's routes, validated like every other route (a bad one is a 400
// with the zod issues). Bodies are register/hazard-input.ts's, checked against the site.

const BuildingId = z
  .string()
  .regex(/^[a-z0-9-]+$/)
  .describe('building id')

export const HAZARD_STATE_FILTERS = ['open', 'all', ...HAZARD_STATES] as const

export const HazardsQuery = z
  .object({
    building: BuildingId.optional(),
    state: z.enum(HAZARD_STATE_FILTERS).default('open').describe('`open` = every state but closed'),
    limit: z.coerce.number().int().min(1).max(5000).default(500),
  })
  .strict()

export const ListsQuery = z
  .object({
    building: BuildingId.optional().describe('default: every building the token sees'),
    lang: z.enum(['zh-CN', 'en']).optional().describe("default: the site's locale"),
    state: z.enum(['open', 'all']).default('open'),
  })
  .strict()

const Month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month such as 2026-11')

export const GradeHistoryQuery = z
  .object({
    building: BuildingId.optional(),
    from: Month.optional().describe('first month, site time; default: 12 months back'),
    limit: z.coerce.number().int().min(1).max(5000).default(1000),
  })
  .strict()

export const MonthlyRegisterQuery = z
  .object({
    month: Month.optional().describe('site-local month; default: the month so far'),
    building: BuildingId.optional().describe('default: the whole site (admins and brigade)'),
    lang: z.enum(['zh-CN', 'en']).optional(),
  })
  .strict()

export const DeliveriesQuery = z.object({ month: Month.optional() }).strict()

/** Maps a state filter to the states it stands for (undefined: all). */
export function statesOf(filter: (typeof HAZARD_STATE_FILTERS)[number]) {
  if (filter === 'all') return undefined
  if (filter === 'open') return HAZARD_STATES.filter((s) => s !== 'closed')
  return [filter]
}
