import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { BRIGADE, createHarness, type Harness, MANAGER_A, T0 } from './http-harness.ts'

let h: Harness

beforeEach(async () => {
  h = await createHarness()
})
afterEach(async () => {
  await h.close()
})

const logLines = () => h.logs.map((line) => JSON.parse(line) as Record<string, unknown>)

describe('health and metrics', () => {
  it('When the gateway is ready, then /healthz answers 200 ok without a token; otherwise 503', async () => {
    const ok = await h.app.inject({ method: 'GET', url: '/healthz' })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toEqual({ status: 'ok', time: T0 })
    h.setReady(false)
    const down = await h.app.inject({ method: 'GET', url: '/healthz' })
    expect(down.statusCode).toBe(503)
    expect(down.json().status).toBe('unavailable')
  })

  it('When /metrics is scraped, then it answers the registry in Prometheus text format', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toBe(h.registry.contentType)
    expect(res.body).toContain('# TYPE firewatch_test_requests_total counter')
    expect(res.body).toContain('firewatch_test_requests_total 3')
  })
})

describe('/docs', () => {
  const routes: [string, string][] = [
    ['get', '/healthz'],
    ['get', '/metrics'],
    ['get', '/docs'],
    ['get', '/api/v1/alerts'],
    ['get', '/api/v1/alerts/{id}'],
    ['post', '/api/v1/alerts/{id}/ack'],
    ['post', '/api/v1/alerts/{id}/resolve'],
    ['get', '/api/v1/buildings'],
    ['get', '/api/v1/buildings/{id}'],
    ['get', '/api/v1/devices/{id}'],
    ['get', '/api/v1/devices/{id}/readings'],
  ]

  it('When /docs is fetched, then it is OpenAPI 3.1 JSON describing every route the app serves', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/docs' })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^application\/json/)
    const doc = JSON.parse(res.body)
    expect(doc.openapi).toBe('3.1.0')
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, ops]) => Object.keys(ops).map((method) => [method, path]),
    )
    expect(documented.sort()).toEqual([...routes].sort())
    for (const [method, path] of routes) {
      const url = path.replaceAll('{id}', ':id')
      expect(h.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${url}`).toBe(true)
    }
    // Every operation behind a bearer token also says it may answer 401 and the login back-off's 429.
    const guarded = Object.values(doc.paths as Record<string, Record<string, Operation>>)
      .flatMap((ops) => Object.values(ops))
      .filter((op) => op.security?.some((s) => 'bearer' in s))
    expect(guarded.length).toBeGreaterThan(5)
    for (const op of guarded)
      expect(Object.keys(op.responses), op.summary).toEqual(expect.arrayContaining(['401', '429']))
    expect(doc.components.responses.TooManyRequests.headers['Retry-After']).toEqual({
      schema: { type: 'integer', minimum: 1 },
    })
  })

  it('When /docs is fetched, then request schemas come from zod and every $ref resolves', async () => {
    const doc = (await h.app.inject({ method: 'GET', url: '/docs' })).json()
    const schemas = doc.components.schemas
    expect(schemas.NoteBody).toMatchObject({
      type: 'object',
      properties: { note: { type: 'string', maxLength: 1000 } },
      additionalProperties: false,
    })
    expect(schemas.AlertsQuery.properties.limit).toMatchObject({ maximum: 5000, default: 500 })
    expect(schemas.AlertsQuery.properties.state.enum).toEqual([
      'open',
      'acknowledged',
      'resolved',
      'active',
      'all',
    ])
    const params = doc.paths['/api/v1/alerts'].get.parameters.map((p: { name: string }) => p.name)
    expect(params).toEqual(['state', 'building', 'class', 'since', 'limit'])
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)]
    expect(refs.length).toBeGreaterThan(10)
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined()
  })
})

describe('errors and logging', () => {
  it('When a route does not exist, then 404 JSON', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/nothing-here', headers: BRIGADE })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ error: 'FGW_ERR_HTTP_NOT_FOUND' })
  })

  it('When a handler throws, then 500 JSON with the request id, logged once, and the server keeps serving', async () => {
    // Client errors are answered, not logged as errors.
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/alerts?limit=0', headers: BRIGADE })).statusCode,
    ).toBe(400)
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/alerts/x', headers: BRIGADE })).statusCode,
    ).toBe(404)
    expect((await h.app.inject({ method: 'GET', url: '/api/v1/alerts' })).statusCode).toBe(401)
    h.store.close() // the alert store fails for real: every query now throws
    const res = await h.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: BRIGADE })
    expect(res.statusCode).toBe(500)
    const body = res.json()
    expect(body).toMatchObject({ error: 'FGW_ERR_HTTP_INTERNAL', requestId: expect.any(String) })
    expect(res.headers['x-request-id']).toBe(body.requestId)
    const errors = logLines().filter((l) => (l.level as number) >= 50)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ reqId: body.requestId, msg: 'request failed' })
    expect(
      (await h.app.inject({ method: 'GET', url: '/api/v1/buildings', headers: BRIGADE })).statusCode,
    ).toBe(200)
  })

  it('When requests carry tokens, then no token ever reaches the log', async () => {
    await h.app.inject({ method: 'GET', url: '/api/v1/alerts', headers: MANAGER_A })
    await h.app.inject({
      method: 'GET',
      url: '/api/v1/alerts',
      headers: { authorization: 'Bearer wrong-token-1' },
    })
    // Someone logging the headers later must still not leak them.
    const headers = { authorization: 'Bearer brigade-token' }
    h.app.log.info({ headers }, 'headers logged')
    h.app.log.info({ request: { headers } }, 'request logged')
    expect(h.logs.length).toBeGreaterThan(4)
    const all = h.logs.join('\n')
    for (const secret of ['manager-a-token', 'wrong-token-1', 'brigade-token'])
      expect(all).not.toContain(secret)
    expect(all).toContain('[redacted]')
  })

  it('When requests succeed, then their lines are logged at debug, so info shows alerts and notifications, not polling', async () => {
    await h.app.inject({ method: 'GET', url: '/api/v1/buildings', headers: BRIGADE })
    await h.app.inject({ method: 'GET', url: '/no-such-page' })
    const perRequest = logLines().filter((l) =>
      ['incoming request', 'request completed'].includes(l.msg as string),
    )
    expect(
      perRequest.filter((l) => (l.res as { statusCode?: number } | undefined)?.statusCode === 404),
    ).not.toEqual([])
    expect(new Set(perRequest.map((l) => l.msg))).toEqual(new Set(['incoming request', 'request completed']))
    expect(perRequest.filter((l) => l.level !== 20)).toEqual([])
  })
})

describe('a real listening server', () => {
  it('When the app listens on a loopback port, then fetch can read buildings and acknowledge an alert', async () => {
    const fire = h.raise('ta-12-smoke-01', 'device.fire_alarm', 'fire', T0)
    const address = await h.app.listen({ host: '127.0.0.1', port: 0 })
    const buildings = await fetch(`${address}/api/v1/buildings`, { headers: MANAGER_A })
    expect(buildings.status).toBe(200)
    expect((await buildings.json()).buildings).toEqual([
      expect.objectContaining({ id: 'tower-a', status: 'red' }),
    ])
    const ack = await fetch(`${address}/api/v1/alerts/${fire.id}/ack`, {
      method: 'POST',
      headers: { ...MANAGER_A, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'checking' }),
    })
    expect(ack.status).toBe(200)
    expect((await ack.json()).state).toBe('acknowledged')
    expect((await fetch(`${address}/api/v1/alerts`)).status).toBe(401)
  })
})

interface Operation {
  summary: string
  security?: Record<string, unknown>[]
  responses: Record<string, unknown>
}
