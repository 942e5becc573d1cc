import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../alerting/alert.ts'
import { ADMIN, BRIGADE, createHarness, type Harness, MANAGER_A, T0 } from './http-harness.ts'

let h: Harness
let fireA: Alert
let faultA: Alert
let warnB: Alert
let offlineC: Alert

beforeEach(async () => {
  h = await createHarness()
  fireA = h.raise('ta-12-smoke-01', 'device.fire_alarm', 'fire', T0)
  faultA = h.raise('ta-b1-elec-01', 'device.fault', 'fault', T0 + 60_000)
  warnB = h.raise('tb-03-smoke-01', 'smoke.prealarm', 'warning', T0 + 120_000)
  offlineC = h.raise('tc-01-pump-01', 'device.offline', 'offline', T0 + 180_000)
})
afterEach(async () => {
  await h.close()
})

const get = (url: string, headers: Record<string, string> = BRIGADE) =>
  h.app.inject({ method: 'GET', url, headers })
const post = (url: string, headers: Record<string, string>, payload?: string, type = 'application/json') =>
  h.app.inject({
    method: 'POST',
    url,
    headers: payload === undefined ? headers : { ...headers, 'content-type': type },
    payload,
  })
const ids = (res: { json(): { alerts: Alert[] } }) => res.json().alerts.map((a) => a.id)

describe('authentication', () => {
  it.each([
    ['no header', {}],
    ['an unknown token', { authorization: 'Bearer not-a-token' }],
    ['another scheme', { authorization: 'Basic YnJpZ2FkZTpicmlnYWRlLXRva2Vu' }],
    ['a bare token', { authorization: 'brigade-token' }],
  ])(
    'When a request to /api carries %s, then it answers 401 FGW_ERR_HTTP_UNAUTHORIZED',
    async (_, headers) => {
      for (const url of ['/api/v1/alerts', `/api/v1/alerts/${fireA.id}`, '/api/v1/buildings']) {
        const res = await get(url, headers)
        expect(res.statusCode).toBe(401)
        expect(res.json().error).toBe('FGW_ERR_HTTP_UNAUTHORIZED')
        expect(res.headers['www-authenticate']).toBe('Bearer')
      }
      const ack = await post(`/api/v1/alerts/${fireA.id}/ack`, headers)
      expect(ack.statusCode).toBe(401)
      expect(h.lifecycle.get(fireA.id)?.state).toBe('open')
    },
  )

  it('When the scheme is written in lower case, then the token is still accepted', async () => {
    expect((await get('/api/v1/alerts', { authorization: 'bearer brigade-token' })).statusCode).toBe(200)
  })
})

describe('GET /api/v1/alerts', () => {
  it('When the brigade lists alerts, then it sees every building, newest first', async () => {
    const res = await get('/api/v1/alerts')
    expect(res.statusCode).toBe(200)
    expect(ids(res)).toEqual([offlineC.id, warnB.id, faultA.id, fireA.id])
  })

  it('When an admin lists alerts, then it sees every building too', async () => {
    expect(ids(await get('/api/v1/alerts', ADMIN))).toHaveLength(4)
  })

  it('When a manager lists alerts, then only alerts of their buildings come back', async () => {
    expect(ids(await get('/api/v1/alerts', MANAGER_A))).toEqual([faultA.id, fireA.id])
    expect(ids(await get('/api/v1/alerts?building=tower-a', MANAGER_A))).toEqual([faultA.id, fireA.id])
  })

  it('When a manager filters on a building that is not theirs, then 404 as for an unknown one', async () => {
    const other = await get('/api/v1/alerts?building=tower-b', MANAGER_A)
    const unknown = await get('/api/v1/alerts?building=tower-zz', MANAGER_A)
    expect(other.statusCode).toBe(404)
    expect(unknown.statusCode).toBe(404)
    expect(other.json().error).toBe('FGW_ERR_HTTP_NOT_FOUND')
    expect(other.json().message).toBe(unknown.json().message)
    expect((await get('/api/v1/alerts?building=tower-b')).statusCode).toBe(200)
  })

  it('When alerts are acknowledged and resolved, then each state filter returns its own set', async () => {
    await post(`/api/v1/alerts/${fireA.id}/ack`, BRIGADE)
    await post(`/api/v1/alerts/${warnB.id}/resolve`, BRIGADE)
    expect(ids(await get('/api/v1/alerts'))).toEqual([offlineC.id, faultA.id, fireA.id])
    expect(ids(await get('/api/v1/alerts?state=active'))).toEqual([offlineC.id, faultA.id, fireA.id])
    expect(ids(await get('/api/v1/alerts?state=open'))).toEqual([offlineC.id, faultA.id])
    expect(ids(await get('/api/v1/alerts?state=acknowledged'))).toEqual([fireA.id])
    expect(ids(await get('/api/v1/alerts?state=resolved'))).toEqual([warnB.id])
    expect(ids(await get('/api/v1/alerts?state=all'))).toEqual([offlineC.id, warnB.id, faultA.id, fireA.id])
  })

  it('When filtering by class, since and limit, then only matching alerts come back', async () => {
    expect(ids(await get('/api/v1/alerts?class=fire'))).toEqual([fireA.id])
    // T0 + 2 min, written as local time with an offset.
    expect(ids(await get('/api/v1/alerts?since=2026-11-22T18:02:00%2B08:00'))).toEqual([
      offlineC.id,
      warnB.id,
    ])
    expect(ids(await get(`/api/v1/alerts?since=${T0 + 60_000}`))).toEqual([offlineC.id, warnB.id, faultA.id])
    expect(ids(await get('/api/v1/alerts?limit=2'))).toEqual([offlineC.id, warnB.id])
    expect(ids(await get('/api/v1/alerts?building=&class='))).toHaveLength(4)
  })

  it.each([
    ['state=closed', 'state'],
    ['class=smoke', 'class'],
    ['limit=0', 'limit'],
    ['limit=5001', 'limit'],
    ['limit=ten', 'limit'],
    ['since=yesterday', 'since'],
    ['since=2026-11-22T10:00:00', 'since'],
    ['state=open&state=resolved', 'state'],
  ])('When the query has %s, then 400 with a zod issue on %s', async (query, field) => {
    const res = await get(`/api/v1/alerts?${query}`)
    expect(res.statusCode).toBe(400)
    const body = res.json()
    expect(body.error).toBe('FGW_ERR_HTTP_VALIDATION')
    expect(body.issues.map((i: { path: string[] }) => i.path[0])).toContain(field)
  })

  it('When the query has an unknown parameter, then 400 names it', async () => {
    const res = await get('/api/v1/alerts?stat=open')
    expect(res.statusCode).toBe(400)
    expect(res.json().issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: ['stat'] })
  })
})

describe('GET /api/v1/alerts/:id', () => {
  it('When a visible alert is asked for, then it comes with its history', async () => {
    const res = await get(`/api/v1/alerts/${fireA.id}`, MANAGER_A)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ id: fireA.id, class: 'fire', state: 'open', building: 'tower-a' })
    expect(res.json().history).toEqual([
      { at: '2026-11-22T10:00:00.000Z', action: 'opened', actor: 'system', note: null, value: null },
    ])
  })

  it('When a manager asks for another building’s alert or an unknown id, then both answer the same 404', async () => {
    const other = await get(`/api/v1/alerts/${warnB.id}`, MANAGER_A)
    const unknown = await get('/api/v1/alerts/01ZZZZZZZZZZZZZZZZZZZZZZZZ', MANAGER_A)
    expect(other.statusCode).toBe(404)
    expect(unknown.statusCode).toBe(404)
    expect(other.json().message).toBe(unknown.json().message)
    expect((await get(`/api/v1/alerts/${warnB.id}`)).statusCode).toBe(200)
  })
})

describe('POST /api/v1/alerts/:id/ack and /resolve', () => {
  it('When an alert is acknowledged twice, then the state stays acknowledged with one history entry', async () => {
    const first = await post(
      `/api/v1/alerts/${fireA.id}/ack`,
      MANAGER_A,
      JSON.stringify({ note: 'on my way' }),
    )
    const second = await post(`/api/v1/alerts/${fireA.id}/ack`, MANAGER_A)
    expect(first.statusCode).toBe(200)
    expect(first.json()).toMatchObject({ id: fireA.id, state: 'acknowledged' })
    expect(first.json().acknowledgedAt).not.toBeNull()
    expect(second.json()).toEqual(first.json())
    const acks = h.lifecycle.history(fireA.id).filter((e) => e.action === 'acknowledged')
    expect(acks).toEqual([expect.objectContaining({ actor: 'mgr-a', note: 'on my way' })])
  })

  it('When an alert is resolved twice, then it stays resolved with one resolve entry', async () => {
    const first = await post(`/api/v1/alerts/${warnB.id}/resolve`, BRIGADE, '{}')
    const second = await post(`/api/v1/alerts/${warnB.id}/resolve`, BRIGADE, '{}')
    expect(first.json().state).toBe('resolved')
    expect(second.json()).toEqual(first.json())
    const resolves = h.lifecycle.history(warnB.id).filter((e) => e.action === 'resolved')
    expect(resolves).toEqual([expect.objectContaining({ actor: 'brigade', note: null })])
  })

  it('When the JSON content type comes with an empty body, then the request is accepted', async () => {
    const res = await post(`/api/v1/alerts/${faultA.id}/ack`, BRIGADE, '')
    expect(res.statusCode).toBe(200)
    expect(res.json().state).toBe('acknowledged')
  })

  it('When a manager acks or resolves another building’s alert, then 404 and the alert is unchanged', async () => {
    expect((await post(`/api/v1/alerts/${warnB.id}/ack`, MANAGER_A)).statusCode).toBe(404)
    expect((await post(`/api/v1/alerts/${warnB.id}/resolve`, MANAGER_A)).statusCode).toBe(404)
    expect((await post('/api/v1/alerts/unknown-id/ack', BRIGADE)).statusCode).toBe(404)
    expect(h.lifecycle.get(warnB.id)?.state).toBe('open')
    expect(h.lifecycle.history(warnB.id)).toHaveLength(1)
  })

  it.each([
    ['a note that is a number', JSON.stringify({ note: 42 }), 'note'],
    ['a note over 1000 characters', JSON.stringify({ note: 'x'.repeat(1001) }), 'note'],
    ['an unknown field', JSON.stringify({ notes: 'typo' }), undefined],
    ['an array', '[]', undefined],
  ])('When the body has %s, then 400 with zod issues and no change', async (_, payload, field) => {
    const res = await post(`/api/v1/alerts/${fireA.id}/ack`, BRIGADE, payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe('FGW_ERR_HTTP_VALIDATION')
    expect(res.json().issues.length).toBeGreaterThan(0)
    if (field) expect(res.json().issues[0].path).toEqual([field])
    expect(h.lifecycle.get(fireA.id)?.state).toBe('open')
  })

  it('When the body is not JSON, then 400 in the same validation shape', async () => {
    const res = await post(`/api/v1/alerts/${fireA.id}/ack`, BRIGADE, '{"note":')
    expect(res.statusCode).toBe(400)
    expect(res.json()).toMatchObject({ error: 'FGW_ERR_HTTP_VALIDATION', issues: [expect.any(Object)] })
  })

  it('When the body is larger than 64 KB, then 413 and no change', async () => {
    const res = await post(
      `/api/v1/alerts/${fireA.id}/ack`,
      BRIGADE,
      JSON.stringify({ note: 'x'.repeat(70_000) }),
    )
    expect(res.statusCode).toBe(413)
    expect(res.json().error).toBe('FGW_ERR_HTTP_TOO_LARGE')
    expect(h.lifecycle.get(fireA.id)?.state).toBe('open')
  })

  it('When the body is not JSON by content type, then 415', async () => {
    const res = await post(
      `/api/v1/alerts/${fireA.id}/ack`,
      BRIGADE,
      'note=hi',
      'application/x-www-form-urlencoded',
    )
    expect(res.statusCode).toBe(415)
    expect(res.json().error).toBe('FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE')
  })
})
