import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { clientFrom, rawLogin } from '../support/raw-mqtt.ts'

// The gateways' clock stands still unless a test moves it: an HTTP back-off lasts until it does.
let now = Date.parse('2026-11-23T02:00:00.000Z')
const clock = { now: () => now }
const GUARD = { LOGIN_FAILURES_BEFORE_BACKOFF: '3', LOGIN_FAILURES_BEFORE_LOCKOUT: '6' }
const PROXY = '127.0.0.90'

let direct: GatewayUnderTest
let proxied: GatewayUnderTest

beforeAll(async () => {
  direct = await startTestGateway(GUARD, { clock })
  proxied = await startTestGateway({ ...GUARD, HTTP_TRUSTED_PROXIES: `${PROXY}, 10.0.0.0/8` }, { clock })
})
afterAll(async () => {
  await direct?.stop()
  await proxied?.stop()
})

interface Answer {
  status: number
  error?: string
}

/** GET /api/v1/buildings from a chosen loopback address, with an optional X-Forwarded-For. */
function buildings(
  gw: GatewayUnderTest,
  from: string,
  token: string,
  forwardedFor?: string,
): Promise<Answer> {
  const headers = {
    authorization: `Bearer ${token}`,
    ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}),
  }
  return new Promise((resolve, reject) => {
    const req = request(new URL('/api/v1/buildings', gw.httpUrl), { headers, localAddress: from }, (res) => {
      let text = ''
      res.on('data', (c: Buffer) => {
        text += c.toString()
      })
      res.on('end', () => {
        const body = JSON.parse(text) as { error?: string }
        resolve({ status: res.statusCode ?? 0, ...(body.error ? { error: body.error } : {}) })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

/** Wrong bearer tokens, each after the back-off of the one before, until the HTTP lockout answers. */
async function lockOutOverHttp(gw: GatewayUnderTest, from: string, forwardedFor?: string): Promise<Answer[]> {
  const answers: Answer[] = []
  for (let i = 0; i < 10; i++) {
    now += 60_000
    const answer = await buildings(gw, from, `wrong-token-${i}`, forwardedFor)
    answers.push(answer)
    if (answer.error === 'FGW_ERR_LIMIT_LOGIN_LOCKOUT') break
  }
  return answers
}

async function metric(gw: GatewayUnderTest, sample: string): Promise<number> {
  return metricValue(await (await fetch(`${gw.httpUrl}/metrics`)).text(), sample)
}

describe('The MQTT and HTTP login guards are kept apart', () => {
  it('When wrong bearer tokens lock an address out of the HTTP API, then a device at that address still logs in over MQTT', async () => {
    const from = '127.0.0.81'
    const answers = await lockOutOverHttp(direct, from)
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 429])
    expect((await buildings(direct, from, 'brigade-token')).error).toBe('FGW_ERR_LIMIT_LOGIN_LOCKOUT')

    const port = Number(new URL(direct.mqttUrl).port)
    const device = await clientFrom(from, port, {
      clientId: 'guards-apart-1',
      username: 'ta-12-smoke-01',
      password: 's3cret-ta-12',
    })
    expect(device.connected).toBe(true)
    await device.endAsync(true)
    expect(await metric(direct, 'firewatch_login_lockouts_total{guard="http"}')).toBe(1)
    expect(await metric(direct, 'firewatch_login_lockouts_total{guard="mqtt"}')).toBe(0)
  })

  it('When wrong MQTT passwords lock an address out of the broker, then the right bearer token from that address is still served', async () => {
    const from = '127.0.0.82'
    const port = Number(new URL(direct.mqttUrl).port)
    const codes: (number | string)[] = []
    for (let i = 0; i < 7; i++) {
      const login = await rawLogin(port, {
        localAddress: from,
        username: 'ta-12-smoke-02',
        password: `no-${i}`,
      })
      login.session.socket.destroy()
      codes.push(login.code)
    }
    expect(codes).toEqual([5, 5, 5, 5, 5, 5, 3])
    expect((await buildings(direct, from, 'brigade-token')).status).toBe(200)
    expect(await metric(direct, 'firewatch_login_lockouts_total{guard="mqtt"}')).toBeGreaterThanOrEqual(1)
  })

  it('When HTTP_TRUSTED_PROXIES is not set, then X-Forwarded-For is not believed: a new forwarded address per guess escapes nothing', async () => {
    const from = '127.0.0.83'
    const answers: Answer[] = []
    for (let i = 0; i < 7; i++) {
      now += 60_000
      answers.push(await buildings(direct, from, `guess-${i}`, `198.51.100.${i + 1}`))
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 429])
    expect((await buildings(direct, from, 'brigade-token', '198.51.100.99')).status).toBe(429)
  })
})

describe('Behind a trusted reverse proxy (HTTP_TRUSTED_PROXIES)', () => {
  it('When one client behind the proxy is locked out, then other clients and the proxy itself are still served', async () => {
    const answers = await lockOutOverHttp(proxied, PROXY, '203.0.113.7')
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 429])
    expect((await buildings(proxied, PROXY, 'brigade-token', '203.0.113.7')).status).toBe(429)

    expect((await buildings(proxied, PROXY, 'brigade-token', '203.0.113.8')).status).toBe(200)
    // A chain: the nearest address the proxy did not add itself is the client.
    expect((await buildings(proxied, PROXY, 'brigade-token', '203.0.113.7, 10.1.2.3')).status).toBe(429)
    expect((await buildings(proxied, PROXY, 'brigade-token')).status).toBe(200)
  })

  it('When a hop that is not trusted sends X-Forwarded-For, then it is its own address that is counted', async () => {
    const from = '127.0.0.91'
    const answers: Answer[] = []
    for (let i = 0; i < 7; i++) {
      now += 60_000
      answers.push(await buildings(proxied, from, `guess-${i}`, `192.0.2.${i + 1}`))
    }
    expect(answers.map((a) => a.status)).toEqual([401, 401, 401, 401, 401, 401, 429])
    expect((await buildings(proxied, from, 'brigade-token', '192.0.2.99')).status).toBe(429)
  })
})
