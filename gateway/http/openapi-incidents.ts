import { z } from 'zod'
import { ALERT_CLASSES, ALERT_STATES } from '../../alerting/alert.ts'
import { DISPOSITIONS, FALSE_ALARM_CAUSES, INCIDENT_ACTIONS } from '../../alerting/incidents/incident.ts'
import { IncidentResolveBody, IncidentsQuery } from './incident-schemas.ts'
import { AUTH_FAILURES } from './openapi-auth.ts'
import { NoteBody } from './request-schemas.ts'

// OpenAPI of incidents: the alerts of one situation (docs/protocol.md, "Incidents").

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra })
const isoTime = { type: 'string', format: 'date-time' }
const str = { type: 'string' }
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
})
const failures = { ...AUTH_FAILURES, '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }
const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
const idParam = { name: 'id', in: 'path', required: true, description: 'incident id', schema: str }

function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...out } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>
  return out
}

const Disposition = object({
  kind: { type: 'string', enum: [...DISPOSITIONS] },
  cause: nullable('string', { enum: [...FALSE_ALARM_CAUSES, null] }),
  note: nullable('string'),
  by: { ...str, description: 'token name of the person who resolved it' },
  at: isoTime,
})

const Incident = object({
  id: str,
  building: str,
  class: { type: 'string', enum: [...ALERT_CLASSES], description: 'the most severe class among its members' },
  state: { type: 'string', enum: [...ALERT_STATES] },
  openedAt: isoTime,
  acknowledgedAt: nullable('string', { format: 'date-time' }),
  acknowledgedBy: nullable('string'),
  resolvedAt: nullable('string', { format: 'date-time' }),
  resolvedBy: nullable('string'),
  alerts: { type: 'array', items: str, description: 'member alert ids, oldest first' },
  floors: {
    type: 'array',
    items: { type: 'integer' },
    description: 'floors in the order the situation reached them',
  },
  disposition: { oneOf: [Disposition, { type: 'null' }] },
  title: { ...str, description: "for people, in the site's language" },
  mergedInto: nullable('string', { description: 'folded into this incident (storm control)' }),
  updatedAt: isoTime,
})

const TimelineEntry = object({
  at: isoTime,
  action: { type: 'string', enum: [...INCIDENT_ACTIONS] },
  actor: { ...str, description: '`system`, or the token name of the person' },
  alert: nullable('string', { description: 'the member alert the entry is about' }),
  floor: nullable('integer'),
  note: nullable('string'),
})

export function incidentSchemas(): Record<string, object> {
  return {
    Incident,
    IncidentList: object({ incidents: { type: 'array', items: ref('Incident') } }),
    IncidentDetail: {
      allOf: [
        ref('Incident'),
        object({
          members: { type: 'array', items: ref('Alert') },
          timeline: { type: 'array', items: TimelineEntry },
        }),
      ],
    },
    IncidentsQuery: fromZod(IncidentsQuery),
    IncidentResolveBody: fromZod(IncidentResolveBody),
  }
}

function queryParameters(): object[] {
  const properties = (fromZod(IncidentsQuery).properties ?? {}) as Record<string, Record<string, unknown>>
  return Object.entries(properties).map(([name, schema]) => ({ name, in: 'query', required: false, schema }))
}

export function incidentPaths(): object {
  return {
    '/api/v1/incidents': {
      get: op('Incidents, newest first', {
        parameters: queryParameters(),
        responses: { '200': { description: 'OK', ...json(ref('IncidentList')) }, ...invalid, ...failures },
      }),
    },
    '/api/v1/incidents/{id}': {
      get: op('One incident with its member alerts and its timeline', {
        parameters: [idParam],
        responses: { '200': { description: 'OK', ...json(ref('IncidentDetail')) }, ...failures },
      }),
    },
    '/api/v1/incidents/{id}/ack': {
      post: op('Acknowledge an incident and every open member; stops its escalation (idempotent)', {
        parameters: [idParam],
        requestBody: { required: false, ...json(fromZod(NoteBody)) },
        responses: { '200': { description: 'OK', ...json(ref('Incident')) }, ...invalid, ...failures },
      }),
    },
    '/api/v1/incidents/{id}/resolve': {
      post: op('Resolve an incident and every active member; a fire needs a disposition (idempotent)', {
        parameters: [idParam],
        requestBody: { required: false, ...json(ref('IncidentResolveBody')) },
        responses: { '200': { description: 'OK', ...json(ref('Incident')) }, ...invalid, ...failures },
      }),
    },
  }
}

/** The field every Alert gained (merged into the Alert schema). */
export const ALERT_INCIDENT_FIELD = {
  incident: nullable('string', { description: 'the incident the alert belongs to' }),
}
