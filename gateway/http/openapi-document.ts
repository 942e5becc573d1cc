import { z } from 'zod'
import { AUTH_FAILURES } from './openapi-auth.ts'
import { RESPONSE_SCHEMAS } from './openapi-schemas.ts'
import { AlertsQuery, NoteBody, ReadingsQuery } from './request-schemas.ts'

// The OpenAPI 3.1 description served at /docs. Request schemas come from the same zod schemas the
// handlers validate with (z.toJSONSchema, JSON Schema 2020-12 as OpenAPI 3.1 uses), so they cannot drift.

type JsonSchema = Record<string, unknown>

function fromZod(schema: z.ZodType): JsonSchema {
  // io 'input': describe what the client sends (a string for `since`), not what the handler gets.
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, { io: 'input' }) as JsonSchema
  return json
}

function queryParameters(schema: JsonSchema): object[] {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>
  return Object.entries(properties).map(([name, prop]) => ({
    name,
    in: 'query',
    required: false,
    ...(typeof prop.description === 'string' ? { description: prop.description } : {}),
    schema: prop,
  }))
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const ok = (name: string, description = 'OK') => ({ description, ...json(ref(name)) })
const idParam = (what: string) => ({
  name: 'id',
  in: 'path',
  required: true,
  description: what,
  schema: { type: 'string' },
})
const failures = AUTH_FAILURES
const notFound = { '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }

function apiOperation(summary: string, extra: object): object {
  return { summary, security: [{ bearer: [] }], ...extra }
}

function alertAction(verb: string): object {
  return {
    post: apiOperation(`${verb} an alert (idempotent: a repeat returns the alert unchanged)`, {
      parameters: [idParam('alert id')],
      requestBody: { required: false, ...json(ref('NoteBody')) },
      responses: { '200': ok('Alert'), ...invalid, ...failures, ...notFound },
    }),
  }
}

export function buildOpenApiDocument(): object {
  const schemas = {
    AlertsQuery: fromZod(AlertsQuery),
    NoteBody: fromZod(NoteBody),
    ReadingsQuery: fromZod(ReadingsQuery),
    ...RESPONSE_SCHEMAS,
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Firewatch gateway API',
      version: '1',
      description:
        'Alerts, buildings and devices of one Firewatch site. /api routes need `Authorization: Bearer <token>`; ' +
        'a manager sees only the buildings of the token, and other buildings answer 404.',
    },
    paths: { ...servicePaths(), ...alertPaths(schemas.AlertsQuery), ...sitePaths(schemas.ReadingsQuery) },
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
      schemas,
      responses: {
        BadRequest: { description: 'The query or body failed validation', ...json(ref('ValidationError')) },
        Unauthorized: { description: 'No or unknown bearer token', ...json(ref('Error')) },
        TooManyRequests: {
          description:
            'Too many failed logins from this address: back off (FGW_ERR_HTTP_RATE_LIMITED) or locked out (FGW_ERR_LIMIT_LOGIN_LOCKOUT); see Retry-After',
          headers: { 'Retry-After': { schema: { type: 'integer', minimum: 1 } } },
          ...json(ref('Error')),
        },
        NotFound: { description: 'Unknown, or not visible to the caller', ...json(ref('Error')) },
      },
    },
  }
}

function servicePaths(): object {
  const text = { 'text/plain': { schema: { type: 'string' } } }
  return {
    '/healthz': {
      get: {
        summary: 'Liveness: 200 once the broker and HTTP server accept connections, else 503',
        responses: { '200': ok('Health'), '503': ok('Health', 'not ready') },
      },
    },
    '/metrics': {
      get: {
        summary:
          'Prometheus metrics; with METRICS_ACCESS=token only for a bearer token (METRICS_TOKEN, or an admin or brigade token)',
        security: [{}, { bearer: [] }],
        responses: {
          '200': { description: 'Prometheus text', content: text },
          '401': { $ref: '#/components/responses/Unauthorized' },
          '403': {
            description: 'FGW_ERR_HTTP_FORBIDDEN: a token whose role may not read site-wide figures',
            ...json(ref('Error')),
          },
          '429': { $ref: '#/components/responses/TooManyRequests' },
        },
      },
    },
    '/docs': {
      get: {
        summary: 'This OpenAPI document',
        responses: { '200': { description: 'OpenAPI 3.1', ...json({}) } },
      },
    },
  }
}

function alertPaths(query: JsonSchema): object {
  return {
    '/api/v1/alerts': {
      get: apiOperation('Alerts, newest first', {
        parameters: queryParameters(query),
        responses: { '200': ok('AlertList'), ...invalid, ...failures, ...notFound },
      }),
    },
    '/api/v1/alerts/{id}': {
      get: apiOperation('One alert with its history', {
        parameters: [idParam('alert id')],
        responses: { '200': ok('AlertWithHistory'), ...failures, ...notFound },
      }),
    },
    '/api/v1/alerts/{id}/ack': alertAction('Acknowledge'),
    '/api/v1/alerts/{id}/resolve': alertAction('Resolve'),
  }
}

function sitePaths(readingsQuery: JsonSchema): object {
  return {
    '/api/v1/buildings': {
      get: apiOperation('Buildings the caller may see, with wall status and counts', {
        responses: { '200': ok('BuildingList'), ...failures },
      }),
    },
    '/api/v1/buildings/{id}': {
      get: apiOperation('Floors (top first), zones and devices with status and latest values', {
        parameters: [idParam('building id')],
        responses: { '200': ok('BuildingDetail'), ...failures, ...notFound },
      }),
    },
    '/api/v1/devices/{id}': {
      get: apiOperation('One device with status, latest values and active alerts', {
        parameters: [idParam('device id')],
        responses: { '200': ok('Device'), ...failures, ...notFound },
      }),
    },
    '/api/v1/devices/{id}/readings': {
      get: apiOperation('History of one device’s readings, raw or as the mean per step', {
        parameters: [idParam('device id'), ...queryParameters(readingsQuery)],
        responses: { '200': ok('DeviceReadings'), ...invalid, ...failures, ...notFound },
      }),
    },
  }
}
