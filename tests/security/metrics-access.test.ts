import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'

const METRICS_TOKEN = 'prometheus-scrape-7c1e5a90d2'
// The clock stands still unless a test moves it: a back-off lasts until it does.
let now = Date.parse('2026-11-23T03:00:00.000Z')
const clock = { now: () => now }

let open: GatewayUnderTest
let guarded: GatewayUnderTest

beforeAll(async () => {
  open = await startTestGateway()
  guarded = await startTestGateway(
    {
      METRICS_ACCESS: 'token',
      METRICS_TOKEN,
      LOGIN_FAILURES_BEFORE_BACKOFF: '3',
      LOGIN_FAILURES_BEFORE_LOCKOUT: '6',
    },
    { clock },
  )
})
afterAll(async () => {
  await open?.stop()
  await guarded?.stop()
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  text: string
}

/** GET from a chosen loopback address, with an optional bearer token. */
function get(gw: GatewayUnderTest, path: string, token?: string, from = '127.0.0.1'): Promise<Answer> {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, gw.httpUrl), { headers, localAddress: from }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }))
    })
    req.on('error', reject)
    req.end()
  })
}

const errorOf = (answer: Answer) => (JSON.parse(answer.text) as { error: string }).error

describe('Who may read /metrics (METRICS_ACCESS)', () => {
  it('When METRICS_ACCESS is not set, then /metrics is open, as Prometheus scrapes by default', async () => {
    const answer = await get(open, '/metrics')
    expect(answer.status).toBe(200)
    expect(answer.text).toContain('firewatch_alerts_active')
  })

  it('When METRICS_ACCESS=token, then only METRICS_TOKEN or an admin or brigade token reads it; the refusals are counted', async () => {
    const none = await get(guarded, '/metrics')
    expect(none.status).toBe(401)
    expect(errorOf(none)).toBe('FGW_ERR_HTTP_UNAUTHORIZED')
    expect(none.headers['www-authenticate']).toBe('Bearer')
    expect(none.text).not.toContain('firewatch_')

    const manager = await get(guarded, '/metrics', 'manager-a-token')
    expect(manager.status).toBe(403)
    expect(errorOf(manager)).toBe('FGW_ERR_HTTP_FORBIDDEN')
    const wrong = await get(guarded, '/metrics', 'not-the-metrics-token')
    expect(wrong.status).toBe(401)

    for (const token of [METRICS_TOKEN, 'admin-token', 'brigade-token']) {
      const answer = await get(guarded, '/metrics', token)
      expect(answer.status, token).toBe(200)
      expect(answer.text, token).toContain('firewatch_alerts_active')
    }
    const page = (await get(guarded, '/metrics', METRICS_TOKEN)).text
    expect(metricValue(page, 'firewatch_http_refused_total{reason="metrics_token"}')).toBe(3)
    // Health checks stay open.
    expect((await get(guarded, '/healthz')).status).toBe(200)
  })

  it('When an address guesses METRICS_TOKEN, then the HTTP login guard locks it out before any token is compared', async () => {
    const from = '127.0.0.121'
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      now += 60_000
      statuses.push((await get(guarded, '/metrics', `guess-${i}-${METRICS_TOKEN}`, from)).status)
    }
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401, 429])
    const locked = await get(guarded, '/metrics', METRICS_TOKEN, from)
    expect(locked.status).toBe(429)
    expect(errorOf(locked)).toBe('FGW_ERR_LIMIT_LOGIN_LOCKOUT')
    expect((await get(guarded, '/metrics', METRICS_TOKEN, '127.0.0.122')).status).toBe(200)
  })
})
