import { z } from 'zod'
import { ALERT_CLASSES, type AlertState } from '../../alerting/alert.ts'
import { parseMetricName } from '../../ingest/metrics-catalog.ts'
import { parseStep } from '../../ingest/store/history-query.ts'
import { HttpError } from './http-errors.ts'

// Request validation happens here with zod, not with fastify's ajv, so that every 400 has the same
// shape: {error: 'FGW_ERR_HTTP_VALIDATION', issues: <zod issues>}. /docs derives its schemas from these.

const EPOCH_MS = /^\d{1,15}$/
const IsoTime = z.iso.datetime({ offset: true })

/** An ISO 8601 time with offset (or Z), or epoch milliseconds; parsed to epoch ms. */
export const TimeParam = z
  .string()
  .describe('ISO 8601 time with offset, e.g. 2026-11-22T10:00:00Z, or epoch milliseconds')
  .transform((text, ctx) => {
    if (EPOCH_MS.test(text)) return Number(text)
    if (IsoTime.safeParse(text).success) return Date.parse(text)
    ctx.addIssue({ code: 'custom', message: 'expected an ISO 8601 time with offset or epoch milliseconds' })
    return z.NEVER
  })

export const STATE_FILTERS = ['open', 'acknowledged', 'resolved', 'active', 'all'] as const
export type StateFilter = (typeof STATE_FILTERS)[number]

export const STATES_OF: Record<StateFilter, readonly AlertState[]> = {
  open: ['open'],
  acknowledged: ['acknowledged'],
  resolved: ['resolved'],
  active: ['open', 'acknowledged'],
  all: ['open', 'acknowledged', 'resolved'],
}

export const MAX_ALERTS = 5000

export const AlertsQuery = z
  .object({
    state: z.enum(STATE_FILTERS).default('active').describe('`active` = open or acknowledged'),
    building: z.string().min(1).optional().describe('building id'),
    class: z.enum(ALERT_CLASSES).optional(),
    since: TimeParam.optional().describe('only alerts opened at or after this time'),
    limit: z.coerce.number().int().min(1).max(MAX_ALERTS).default(500),
  })
  .strict()

export const NoteBody = z
  .object({ note: z.string().max(1000).optional().describe('free text kept in the alert history') })
  .strict()

export const ReadingsQuery = z
  .object({
    metric: z
      .string()
      .refine((name) => parseMetricName(name) !== null, 'not a known metric name')
      .optional()
      .describe('full metric name (e.g. temperature_c:l1), or a family (temperature_c) for all its channels'),
    from: TimeParam.optional().describe('inclusive; default: 24 h before `to`'),
    to: TimeParam.optional().describe('inclusive; default: now'),
    step: z
      .string()
      .transform((text, ctx) => {
        const step = parseStep(text)
        if (step !== null) return step
        ctx.addIssue({
          code: 'custom',
          message: 'expected `raw`, milliseconds or a duration like 30s, 5m, 1h, 1d',
        })
        return z.NEVER
      })
      .optional()
      .describe(
        '`raw`: every reading (at most 100,000, oldest first; `truncated` says when there were more); ' +
          'a duration (500ms, 30s, 5m, 1h, 1d): the mean per step; unset: raw readings when there are ' +
          'at most 1,000 in the range, else the mean per step, the step chosen for at most about 1,000 points',
      ),
  })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, {
    message: '`from` must not be after `to`',
    path: ['from'],
  })

/** Parses or throws a 400 carrying the zod issues. */
export function validated<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, result.error.issues)
  }
  return result.data
}

/**
 * Query strings from forms send empty parameters (`?building=&class=`); they mean "no filter",
 * not "the building with an empty id".
 */
export function withoutEmpty(query: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>)) if (v !== '') out[k] = v
  return out
}
