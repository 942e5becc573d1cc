import { z } from 'zod'

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')

/**
 * POST /api/v1/windows. A window always ends: give `endsAt` or `durationMin`, or neither for the
 * site's default (fire.windows.defaultMin); never open-ended (docs/rules.md).
 */
export const WindowBody = z
  .object({
    building: Id,
    floor: z.number().int().min(-20).max(300).optional(),
    zone: z.string().min(1).max(64).optional(),
    device: Id.optional(),
    reason: z.string().trim().min(1).max(200),
    startsAt: z.iso.datetime({ offset: true }).optional(),
    endsAt: z.iso.datetime({ offset: true }).optional(),
    durationMin: z.number().int().min(1).max(10_080).optional(),
  })
  .strict()
  .refine((b) => b.endsAt === undefined || b.durationMin === undefined, {
    message: 'give endsAt or durationMin, not both',
    path: ['durationMin'],
  })
export type WindowBody = z.infer<typeof WindowBody>

/** GET /api/v1/windows?building=&state=active|all */
export const WindowsQuery = z
  .object({
    building: Id.optional(),
    state: z.enum(['active', 'all']).default('all'),
  })
  .strict()
