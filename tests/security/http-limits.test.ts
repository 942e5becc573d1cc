import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CONTENT_SECURITY_POLICY } from '../../gateway/http/http-hardening.ts'
import { metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'

let gw: GatewayUnderTest

beforeAll(async () => {
  gw = await startTestGateway({ HTTP_MAX_BODY_BYTES: '2048', HTTP_REQUESTS_PER_MIN_PER_ADDRESS: '30' })
})
afterAll(async () => {
  await gw?.stop()
})

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

/** A plain HTTP request from a chosen loopback address (each test its own "client address"). */
function call(
  localAddress: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  const url = new URL(path, gw.httpUrl)
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers, localAddress }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const limitHits = async (from: string, limit: string) =>
  metricValue((await call(from, '/metrics')).body, `firewatch_limit_hits_total{limit="${limit}"}`)

describe('HTTP limits', () => {
  it('When a body is larger than HTTP_MAX_BODY_BYTES, then 413, nothing changes, and it is counted', async () => {
    const res = await call('127.0.0.11', '/api/v1/alerts/nope/ack', {
      method: 'POST',
      headers: { authorization: 'Bearer brigade-token', 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'x'.repeat(3000) }),
    })
    expect(res.status).toBe(413)
    expect(JSON.parse(res.body).error).toBe('FGW_ERR_HTTP_TOO_LARGE')
    expect(await limitHits('127.0.0.12', 'http_body_size')).toBe(1)
  })

  it('When one address sends more than HTTP_REQUESTS_PER_MIN_PER_ADDRESS, then 429 with Retry-After, other addresses are served', async () => {
    const statuses: number[] = []
    let last: Answer | null = null
    for (let i = 0; i < 32; i++) {
      last = await call('127.0.0.13', '/healthz')
      statuses.push(last.status)
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true)
    expect(statuses.slice(30)).toEqual([429, 429])
    expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(JSON.parse(last!.body).error).toBe('FGW_ERR_HTTP_RATE_LIMITED')
    expect((await call('127.0.0.14', '/healthz')).status).toBe(200)
    expect(await limitHits('127.0.0.14', 'http_request_rate')).toBe(2)
  })

  // Failed bearer tokens (back-off, lockout): tests/security/http-login-guard.test.ts.
})

describe('Web front end headers', () => {
  it('When the wall is served, then a strict CSP forbids inline script and framing, and the page has no inline script', async () => {
    const res = await call('127.0.0.21', '/')
    const csp = String(res.headers['content-security-policy'])
    expect(csp).toBe(CONTENT_SECURITY_POLICY)
    expect(csp).toContain("script-src 'self'")
    expect(csp).not.toContain('unsafe-inline')
    expect(csp).toContain("frame-ancestors 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['referrer-policy']).toBe('no-referrer')
    // The wall is built by `npm test`'s pretest (npm run build:web).
    expect(res.status).toBe(200)
    // Every <script> has a src (no inline code) and no element carries an on* handler.
    const scripts = res.body.match(/<script\b[^>]*>/g) ?? []
    expect(scripts.length).toBeGreaterThan(0)
    for (const tag of scripts) expect(tag).toMatch(/\ssrc="\/[^"]+"/)
    expect(res.body).not.toMatch(/\son[a-z]+=/i)
  })

  it('When another origin calls the API or sends a preflight, then CORS stays closed', async () => {
    const evil = 'https://evil.example'
    const preflight = await call('127.0.0.22', '/api/v1/alerts', {
      method: 'OPTIONS',
      headers: {
        origin: evil,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      },
    })
    expect(preflight.status).toBe(403)
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined()
    const get = await call('127.0.0.22', '/api/v1/buildings', {
      headers: { origin: evil, authorization: 'Bearer brigade-token' },
    })
    expect(get.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('When CORS_ORIGINS lists an origin, then exactly that origin is allowed, never *', async () => {
    const open = await startTestGateway({ CORS_ORIGINS: 'https://wall.example, https://ops.example' })
    try {
      const res = await fetch(`${open.httpUrl}/api/v1/alerts`, {
        method: 'OPTIONS',
        headers: { origin: 'https://wall.example', 'access-control-request-method': 'GET' },
      })
      expect(res.status).toBe(204)
      expect(res.headers.get('access-control-allow-origin')).toBe('https://wall.example')
      const other = await fetch(`${open.httpUrl}/api/v1/buildings`, {
        headers: { origin: 'https://evil.example', authorization: 'Bearer brigade-token' },
      })
      expect(other.headers.get('access-control-allow-origin')).toBeNull()
    } finally {
      await open.stop()
    }
  })

  it('When the API answers, then the token never appears in a URL the wall uses', async () => {
    // The wall keeps its token in localStorage and sends it as a header (gateway/web/src/api.ts).
    const res = await call('127.0.0.23', '/app.js')
    expect(res.status).toBe(200)
    expect(res.body).not.toMatch(/[?&](token|access_token)=/)
    expect(res.body).toContain('authorization')
  })
})
