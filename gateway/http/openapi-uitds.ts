import { AUTH_FAILURES } from './openapi-auth.ts'

// The OpenAPI part of GET /api/v1/uitds (docs/gbt26875.md), added to /docs when the app serves it.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const str = { type: 'string' }
const int = { type: 'integer' }
const isoTime = { type: 'string', format: 'date-time' }
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] })
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
})
const counts = { type: 'object', additionalProperties: int }

const LearnedComponent = object({
  key: {
    ...str,
    description: 'the key its alerts carry: learned:<uitd>/<system type>.<system address>.<part address>',
  },
  uitd: str,
  systemType: int,
  systemAddress: int,
  partType: int,
  partAddress: int,
  zonePoint: { ...str, description: 'the part address as "zone/point", as the site file takes it' },
  description: { ...str, description: "the panel's own text for the part (GB 18030)" },
  firstSeenAt: isoTime,
  lastSeenAt: isoTime,
  reports: int,
  state: { type: 'array', items: str, description: 'status bits set in its latest report' },
  lastValue: nullable(object({ metric: str, value: { type: 'number' } })),
})

const PanelOperation = object({
  uitd: str,
  building: str,
  of: { type: 'string', enum: ['system', 'uitd'] },
  system: nullable(str),
  operations: { type: 'array', items: str, description: 'reset, silence, manualAlarm, selfTest, ...' },
  operator: int,
  at: isoTime,
})

const Uitd = object({
  id: str,
  building: str,
  label: nullable(str),
  address: int,
  addressHex: { ...str, description: 'the 6 address bytes as sent, low byte first' },
  allowFrom: nullable({ type: 'array', items: str }),
  receiver: { type: 'boolean', description: 'false while UITD_ENABLED=off' },
  connected: { type: 'boolean' },
  silent: { type: 'boolean' },
  lastSeenAt: nullable(isoTime),
  remoteIp: nullable(str),
  frames: int,
  heartbeats: int,
  duplicates: int,
  denials: counts,
  patrols: object({ answered: int, missed: int }),
  components: int,
  learned: { type: 'array', items: ref('LearnedComponent') },
  learnedOverflow: int,
  operations: { type: 'array', items: ref('PanelOperation') },
})

export function uitdSchemas(): Record<string, object> {
  return { Uitd, LearnedComponent, PanelOperation }
}

export function uitdPaths(): object {
  const failures = { ...AUTH_FAILURES, '404': { $ref: '#/components/responses/NotFound' } }
  const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
  return {
    '/api/v1/uitds': {
      get: op('Fire panel links (UITDs): state, counters and components the site does not declare', {
        parameters: [{ name: 'building', in: 'query', required: false, schema: { type: 'string' } }],
        responses: {
          '200': json(object({ uitds: { type: 'array', items: ref('Uitd') } })),
          '400': { $ref: '#/components/responses/BadRequest' },
          ...failures,
        },
      }),
    },
    '/api/v1/uitds/{id}': {
      get: op('One fire panel link (UITD)', {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: { '200': json(ref('Uitd')), ...failures },
      }),
    },
  }
}
