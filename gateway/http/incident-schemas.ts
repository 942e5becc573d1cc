import { z } from 'zod'
import { ALERT_CLASSES } from '../../alerting/alert.ts'
import { DISPOSITIONS, FALSE_ALARM_CAUSES } from '../../alerting/incidents/incident.ts'
import { MAX_ALERTS, STATE_FILTERS, TimeParam } from './request-schemas.ts'

export const IncidentsQuery = z
  .object({
    state: z.enum(STATE_FILTERS).default('active').describe('`active` = open or acknowledged'),
    building: z.string().min(1).optional().describe('building id'),
    class: z.enum(ALERT_CLASSES).optional().describe('the incident class (its most severe member)'),
    since: TimeParam.optional().describe('only incidents opened at or after this time'),
    limit: z.coerce.number().int().min(1).max(MAX_ALERTS).default(500),
  })
  .strict()

export const IncidentResolveBody = z
  .object({
    disposition: z
      .enum(DISPOSITIONS)
      .optional()
      .describe('how it ended; required for a fire incident (the false-alarm rate comes from it)'),
    cause: z.enum(FALSE_ALARM_CAUSES).optional().describe('with false_alarm: what set it off'),
    note: z.string().max(1000).optional().describe('free text kept in the incident timeline'),
  })
  .strict()
  .refine((b) => b.cause === undefined || b.disposition === 'false_alarm', {
    path: ['cause'],
    message: 'a cause goes with disposition false_alarm',
  })
