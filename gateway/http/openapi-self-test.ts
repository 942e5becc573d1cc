import { AUTH_FAILURES } from './openapi-auth.ts'

// The OpenAPI part of /api/v1/self-test (docs/self-watch.md), added to /docs when the app serves it.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const int = { type: 'integer' }
const bool = { type: 'boolean' }
const isoTime = { type: 'string', format: 'date-time' }
const nullable = (schema: object) => ({ oneOf: [schema, { type: 'null' }] })
const object = (properties: Record<string, object>) => ({
  type: 'object',
  required: Object.keys(properties),
  properties,
})

const SelfTestResult = object({
  passed: bool,
  startedAt: isoTime,
  finishedAt: isoTime,
  deviceToAlertMs: { ...nullable(int), description: "from the probe's publish to the committed alert" },
  boundMs: { ...int, description: 'GB 26875.1: 10000' },
  failure: { ...nullable({ type: 'string' }), description: 'why it failed, in English' },
})

const SelfWatchReport = object({
  selfTest: object({ enabled: bool, intervalSec: int, boundMs: int, last: nullable(ref('SelfTestResult')) }),
  heartbeat: object({
    enabled: bool,
    intervalSec: int,
    sent: int,
    failed: int,
    lastSuccessAt: nullable(isoTime),
  }),
})

export function selfTestSchemas(): Record<string, object> {
  return { SelfTestResult, SelfWatchReport }
}

export function selfTestPaths(): object {
  const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
  return {
    '/api/v1/self-test': {
      get: op('The last self-test through the alarm path, and the heartbeat so far', {
        responses: { '200': json(ref('SelfWatchReport')), ...AUTH_FAILURES },
      }),
      post: op('Run a self-test now (admins); answers when it is done', {
        responses: {
          '200': json(object({ result: ref('SelfTestResult') })),
          '403': { description: 'The token is not an admin token', ...json(ref('Error')) },
          '404': { $ref: '#/components/responses/NotFound' },
          ...AUTH_FAILURES,
        },
      }),
    },
  }
}
