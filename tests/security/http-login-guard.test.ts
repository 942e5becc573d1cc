import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hashSecret } from '../../ingest/site/secret-hash.ts'
import { metricValue } from '../support/api-client.ts'
import {
  type GatewayUnderTest,
  startTestGateway,
  TEST_SITE,
  tempDataDir,
} from '../support/gateway-launcher.ts'

// The gateway's clock stands still unless a test moves it: a back-off lasts until the test says.
let now = Date.parse('2026-11-23T01:00:00.000Z')
const clock = { now: () => now }
let gw: GatewayUnderTest

/** Three of the four API tokens hashed (mgr-b stays plain): a wrong token costs three scrypts. */
async function siteWithHashedTokens(): Promise<string> {
  let text = readFileSync(TEST_SITE, 'utf8')
  for (const token of ['brigade-token', 'manager-a-token', 'admin-token']) {
    text = text.replace(`token: ${token},`, `token: "${await hashSecret(token)}",`)
  }
  const file = join(tempDataDir(), 'site.yaml')
  writeFileSync(file, text)
  return file
}

beforeAll(async () => {
  gw = await startTestGateway(
    {
      FIREWATCH_SITE: await siteWithHashedTokens(),
      LOGIN_FAILURES_BEFORE_BACKOFF: '3',
      LOGIN_FAILURES_BEFORE_LOCKOUT: '6',
    },
    { clock },
  )
})
afterAll(async () => {
  await gw?.stop()
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: { error?: string; message?: string; requestId?: string }
}

/** GET with a bearer token from a chosen loopback address (each test its own client addresses). */
function get(localAddress: string, path: string, token?: string): Promise<Answer> {
  const headers = token ? { authorization: `Bearer ${token}` } : {}
  return new Promise((resolve, reject) => {
    const req = request(new URL(path, gw.httpUrl), { headers, localAddress }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString()
        const body = res.headers['content-type']?.includes('json') ? JSON.parse(text) : {}
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body })
      })
    })
    req.on('error', reject)
    req.end()
  })
}

const buildings = (from: string, token: string) => get(from, '/api/v1/buildings', token)

async function metric(sample: string): Promise<number> {
  const res = await new Promise<string>((resolve, reject) => {
    request(new URL('/metrics', gw.httpUrl), { localAddress: '127.0.0.99' }, (r) => {
      let text = ''
      r.on('data', (c: Buffer) => {
        text += c.toString()
      })
      r.on('end', () => resolve(text))
    })
      .on('error', reject)
      .end()
  })
  return metricValue(res, sample)
}
const scryptRuns = () => metric('firewatch_http_bearer_scrypt_total')

describe('Bearer tokens against hashed API tokens', () => {
  it('When the same wrong token comes again, then it is refused with 401 without another scrypt, and a right token works at once', async () => {
    const before = await scryptRuns()
    expect((await buildings('127.0.0.31', 'brigade-tokem')).status).toBe(401)
    // One scrypt per hashed token in the site file...
    expect((await scryptRuns()) - before).toBe(3)
    // ...and none when the same wrong token comes again, from anywhere.
    expect((await buildings('127.0.0.32', 'brigade-tokem')).status).toBe(401)
    expect((await buildings('127.0.0.33', 'brigade-tokem')).status).toBe(401)
    expect((await scryptRuns()) - before).toBe(3)
    expect(await metric('firewatch_http_bearer_refused_remembered_total')).toBe(2)

    // A hashed token that is right is checked (not refused by the memory of wrong ones) and answered.
    expect((await buildings('127.0.0.34', 'admin-token')).status).toBe(200)
    const afterRight = await scryptRuns()
    expect(afterRight - before).toBeGreaterThan(3)
    // Once it matched, it costs nothing again; a plain token never costs a scrypt.
    expect((await buildings('127.0.0.34', 'admin-token')).status).toBe(200)
    expect((await buildings('127.0.0.34', 'manager-b-token')).status).toBe(200)
    expect(await scryptRuns()).toBe(afterRight)
  })

  it('When many requests bring the same new wrong token at once, then only two are checked with scrypt and all get 401', async () => {
    const before = await scryptRuns()
    const flood = Array.from({ length: 10 }, (_, i) => buildings(`127.0.0.${40 + i}`, 'flooded-guess'))
    const right = buildings('127.0.0.50', 'admin-token')
    const answers = await Promise.all(flood)
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(401))
    expect((await right).status).toBe(200)
    // Two permits, three hashed tokens each; the others waited and found the refusal remembered.
    const runs = (await scryptRuns()) - before
    expect(runs).toBeGreaterThanOrEqual(3)
    expect(runs).toBeLessThanOrEqual(6)
  })
})

describe('Failed bearer tokens from one address', () => {
  it('When an address is in back-off, then 429 FGW_ERR_HTTP_RATE_LIMITED with Retry-After and no token is checked; after the wait it is checked again, up to the lockout', async () => {
    const from = '127.0.0.61'
    const refusedBy = (limit: string) => metric(`firewatch_limit_hits_total{limit="${limit}"}`)
    const backoffBefore = await refusedBy('http_login_backoff')
    const lockoutBefore = await refusedBy('http_login_lockout')
    for (let i = 0; i < 3; i++) expect((await buildings(from, 'wrong-token')).status).toBe(401)

    const scryptBefore = await scryptRuns()
    const held = await buildings(from, 'another-wrong-token')
    expect(held.status).toBe(429)
    expect(held.headers['retry-after']).toBe('1')
    expect(held.body.error).toBe('FGW_ERR_HTTP_RATE_LIMITED')
    expect(held.body.message).toEqual(expect.any(String))
    expect(held.body.requestId).toEqual(expect.any(String))
    // Not even the right token is checked from there meanwhile; another address is served.
    expect((await buildings(from, 'brigade-token')).status).toBe(429)
    expect(await scryptRuns()).toBe(scryptBefore)
    expect((await buildings('127.0.0.62', 'brigade-token')).status).toBe(200)

    // Each wait over lets one more guess be checked (and counted), until the lockout.
    const answers: (number | string)[] = []
    for (let i = 0; i < 3; i++) {
      now += 60_000
      answers.push((await buildings(from, 'wrong-token')).status)
      const next = await buildings(from, 'wrong-token')
      answers.push(
        next.body.error === 'FGW_ERR_HTTP_RATE_LIMITED'
          ? `retry ${next.headers['retry-after']}`
          : next.status,
      )
    }
    expect(answers).toEqual([401, 'retry 1', 401, 'retry 1', 401, 429])
    const locked = await buildings(from, 'brigade-token')
    expect(locked.status).toBe(429)
    expect(locked.body.error).toBe('FGW_ERR_LIMIT_LOGIN_LOCKOUT')
    expect(await metric('firewatch_login_lockouts_total{guard="http"}')).toBeGreaterThanOrEqual(1)
    // Every unchecked refusal is counted by its limit: 4 in back-off, 2 locked out.
    expect((await refusedBy('http_login_backoff')) - backoffBefore).toBe(4)
    expect((await refusedBy('http_login_lockout')) - lockoutBefore).toBe(2)
    expect((await buildings('127.0.0.63', 'brigade-token')).status).toBe(200)
  })
})
