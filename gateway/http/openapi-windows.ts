import { z } from 'zod'
import { ALERT_CLASSES, ALERT_SCOPES, ALERT_TAGS } from '../../alerting/alert.ts'
import { WINDOW_SOURCES } from '../../alerting/windows/window.ts'
import { AUTH_FAILURES } from './openapi-auth.ts'
import { WindowBody, WindowsQuery } from './window-schemas.ts'

// OpenAPI of the fire-aware rules (docs/rules.md): the windows API and the alert fields it added.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const nullable = (type: string, extra: object = {}) => ({ type: [type, 'null'], ...extra })
const isoTime = { type: 'string', format: 'date-time' }
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
})
const failures = {
  ...AUTH_FAILURES,
  '404': { $ref: '#/components/responses/NotFound' },
}
const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'window id',
  schema: { type: 'string' },
}

function fromZod(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...out } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>
  return out
}

const Evidence = object({
  device: { type: 'string' },
  rule: { type: 'string' },
  class: { type: 'string', enum: [...ALERT_CLASSES] },
  floor: { type: 'integer' },
  zone: { type: 'string' },
  at: isoTime,
  metric: nullable('string'),
  value: nullable('number'),
})

export const Window = object({
  id: { type: 'string' },
  building: { type: 'string' },
  floor: nullable('integer'),
  zone: nullable('string'),
  device: nullable('string'),
  reason: { type: 'string' },
  source: {
    type: 'string',
    enum: [...WINDOW_SOURCES],
    description: 'api, a cron schedule of the site file, or a device reporting `test`',
  },
  createdBy: { type: 'string', description: 'token name, schedule id or device id' },
  startsAt: isoTime,
  endsAt: { ...isoTime, description: 'every window ends by itself' },
  closedAt: nullable('string', { format: 'date-time', description: 'closed early through DELETE' }),
  active: { type: 'boolean' },
})

/** Fields the fire-aware rules added to every Alert (merged into the Alert schema). */
export const ALERT_FIRE_FIELDS = {
  scope: {
    type: 'string',
    enum: [...ALERT_SCOPES],
    description:
      'device alerts come from one device; zone (fire.confirmed), floor (floor.offline) and building (fire.spread) alerts have device null',
  },
  evidence: {
    type: 'array',
    items: Evidence,
    description: 'the device signals a derived alert was concluded from, oldest first',
  },
  tags: {
    type: 'array',
    items: { type: 'string', enum: [...ALERT_TAGS] },
    description: '`test`: raised inside a test or maintenance window, not notified',
  },
  groupedUnder: nullable('string', {
    description: 'storm control: the alert this one is grouped under (notified as a group)',
  }),
}

/** On each building of GET /api/v1/buildings (and the detail): the windows in force there. */
export const BUILDING_WINDOWS_FIELD = {
  windows: { type: 'array', items: ref('Window'), description: 'test / maintenance windows in force' },
}

export function windowSchemas(): Record<string, object> {
  return {
    WindowList: object({ windows: { type: 'array', items: ref('Window') } }),
    WindowBody: fromZod(WindowBody),
  }
}

export function windowPaths(): object {
  const query = fromZod(WindowsQuery) as { properties: Record<string, object> }
  return {
    '/api/v1/windows': {
      get: op('Test and maintenance windows in force, to come, or ended within a day (newest first)', {
        parameters: Object.entries(query.properties).map(([name, schema]) => ({
          name,
          in: 'query',
          required: false,
          schema,
        })),
        responses: { '200': { description: 'OK', ...json(ref('WindowList')) }, ...failures },
      }),
      post: op('Open a window (admin; a manager for their own buildings; others 404). Never open-ended', {
        requestBody: { required: true, ...json(ref('WindowBody')) },
        responses: {
          '201': { description: 'Opened', ...json(ref('Window')) },
          '400': { $ref: '#/components/responses/BadRequest' },
          ...failures,
        },
      }),
    },
    '/api/v1/windows/{id}': {
      get: op('One window', {
        parameters: [idParam],
        responses: { '200': { description: 'OK', ...json(ref('Window')) }, ...failures },
      }),
      delete: op('Close a window early (idempotent); its test alerts are closed by the system', {
        parameters: [idParam],
        responses: { '200': { description: 'Closed', ...json(ref('Window')) }, ...failures },
      }),
    },
  }
}
