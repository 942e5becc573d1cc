import { z } from 'zod'
import { AUTH_FAILURES } from './openapi-auth.ts'
import {
  ConfirmBody,
  DailyReportQuery,
  MonthlyReportQuery,
  OverdueQuery,
  PatrolChecksQuery,
} from './schedule-schemas.ts'

// The OpenAPI part of the scheduled-work routes, added to /docs when the app serves them.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ 'application/json': { schema } })
const html = { 'text/html': { schema: { type: 'string' } } }
const str = { type: 'string' }
const int = { type: 'integer' }
const isoTime = { type: 'string', format: 'date-time' }
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] })
const failures = AUTH_FAILURES
const notFound = { '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
})

/** Query parameters of a zod object schema, for OpenAPI. */
function queryParams(schema: z.ZodObject): object[] {
  const js = z.toJSONSchema(schema, { io: 'input' }) as {
    properties: Record<string, object>
    required?: string[]
  }
  return Object.entries(js.properties).map(([name, s]) => ({
    name,
    in: 'query',
    required: js.required?.includes(name) ?? false,
    schema: s,
  }))
}

const ReportItem = object({
  alertId: str,
  device: str,
  floor: int,
  zone: str,
  class: str,
  message: str,
  openedAt: isoTime,
  openHours: { type: 'number', description: 'hours open at the report time, one decimal' },
})

export function scheduleSchemas(): Record<string, object> {
  const classes = ['fire', 'warning', 'supervisory', 'fault', 'offline']
  return {
    ReportItem,
    BuildingReport: object({
      kind: { enum: ['daily', 'monthly'] },
      building: object({ id: str, name: str }),
      period: object({ label: str, from: isoTime, to: isoTime, timezone: str }),
      asOf: { ...isoTime, description: 'the end of the period, or now while it runs' },
      complete: { type: 'boolean' },
      locale: { enum: ['en', 'zh-CN'] },
      alertsByClass: object(Object.fromEntries(classes.map((c) => [c, int]))),
      openFaults: { type: 'array', items: ref('ReportItem') },
      devicesOffline: { type: 'array', items: ref('ReportItem') },
      testsDone: { ...int, description: 'device `test` events in the period' },
      patrolChecks: object({ sent: int, confirmed: int, missed: int }),
      overdue: { type: 'array', items: { allOf: [ref('ReportItem'), object({ deadlineAt: isoTime })] } },
    }),
    OverdueItem: object({
      alertId: str,
      building: str,
      device: str,
      floor: int,
      zone: str,
      class: str,
      state: str,
      message: str,
      openedAt: isoTime,
      deadlineAt: isoTime,
      flaggedAt: isoTime,
      notifiedAt: nullable(isoTime),
    }),
    PatrolCheck: object({
      id: str,
      patrol: str,
      building: str,
      sentAt: isoTime,
      dueBy: isoTime,
      status: { enum: ['pending', 'confirmed', 'late', 'missed'] },
      confirmedAt: nullable(isoTime),
      confirmedBy: nullable(str),
      alertId: nullable(str),
    }),
  }
}

export function schedulePaths(): object {
  const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
  const report = (kind: string, query: z.ZodObject, asHtml: boolean) =>
    op(
      `The ${kind} report of one building${asHtml ? ' as a readable page' : ' (JSON; HTML with Accept: text/html)'}`,
      {
        parameters: queryParams(query),
        responses: {
          '200': { description: 'OK', content: asHtml ? html : { ...json(ref('BuildingReport')), ...html } },
          ...invalid,
          ...failures,
          ...notFound,
        },
      },
    )
  return {
    '/api/v1/reports/daily': { get: report('daily', DailyReportQuery, false) },
    '/api/v1/reports/daily.html': { get: report('daily', DailyReportQuery, true) },
    '/api/v1/reports/monthly': { get: report('monthly', MonthlyReportQuery, false) },
    '/api/v1/reports/monthly.html': { get: report('monthly', MonthlyReportQuery, true) },
    '/api/v1/overdue': {
      get: op('Active faults and supervisory alerts past their deadline (schedules.overdue), oldest first', {
        parameters: queryParams(OverdueQuery),
        responses: {
          '200': {
            description: 'OK',
            content: json(object({ items: { type: 'array', items: ref('OverdueItem') } })),
          },
          ...invalid,
          ...failures,
          ...notFound,
        },
      }),
    },
    '/api/v1/patrols/checks': {
      get: op('Duty patrol checks of the last 31 days, newest first', {
        parameters: queryParams(PatrolChecksQuery),
        responses: {
          '200': {
            description: 'OK',
            content: json(object({ checks: { type: 'array', items: ref('PatrolCheck') } })),
          },
          ...invalid,
          ...failures,
        },
      }),
    },
    '/api/v1/patrols/checks/{id}/confirm': {
      post: op("Confirms presence; only a token in the on-duty contact's apiTokens may (403 otherwise)", {
        parameters: [{ name: 'id', in: 'path', required: true, schema: str }],
        requestBody: { required: false, content: json(z.toJSONSchema(ConfirmBody, { io: 'input' })) },
        responses: {
          '200': {
            description: '`confirmed`, `already` (nothing changed) or `late` (the check had been missed)',
            content: json(
              object({ status: { enum: ['confirmed', 'already', 'late'] }, check: ref('PatrolCheck') }),
            ),
          },
          '403': { description: 'the token is not the on-duty contact of this check' },
          ...invalid,
          ...failures,
          ...notFound,
        },
      }),
    },
    '/patrol/{token}': {
      get: {
        summary: 'Patrol check page of a one-tap link (no token needed; never confirms)',
        parameters: [{ name: 'token', in: 'path', required: true, schema: str }],
        responses: {
          '200': { description: 'the check and a button', content: html },
          '404': { description: 'not a valid link', content: html },
          '410': { description: 'expired', content: html },
        },
      },
      post: {
        summary: 'Confirms presence as the contact the link was sent to',
        parameters: [{ name: 'token', in: 'path', required: true, schema: str }],
        responses: {
          '200': { description: 'confirmed', content: html },
          '404': { description: 'not a valid link', content: html },
          '410': { description: 'expired', content: html },
        },
      },
    },
  }
}
