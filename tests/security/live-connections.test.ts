import { get } from 'node:http'
import type { MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { limitHits, metricFrom } from '../support/loopback-http.ts'
import { connectClient } from '../support/mqtt-peers.ts'

// Plain-request timeouts far shorter than the live stream's life, and its caps set low.
const ENV = {
  LIVE_MAX_STREAMS: '5',
  LIVE_MAX_STREAMS_PER_ADDRESS: '3',
  LIVE_HEARTBEAT_SEC: '1',
  HTTP_HEADERS_TIMEOUT_MS: '1000',
  HTTP_REQUEST_TIMEOUT_MS: '1000',
  HTTP_IDLE_TIMEOUT_MS: '1000',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
}

interface RawStream {
  status: number
  headers: Record<string, string | string[] | undefined>
  /** Everything received so far, comments included. */
  text(): string
  isClosed(): boolean
  close(): void
}

let gw: GatewayUnderTest
let streams: RawStream[] = []
let device: MqttClient | null = null

beforeAll(async () => {
  gw = await startTestGateway(ENV)
})
afterEach(async () => {
  for (const s of streams) s.close()
  streams = []
  // The gateway sees the streams end a moment later: the next test starts from none.
  await waitFor(async () => (await liveOpen()) === 0)
})
afterAll(async () => {
  await device?.endAsync(true)
  await gw?.stop()
})

/** GET /api/v1/live from a chosen loopback address, read as raw text (heartbeat comments included). */
function openStream(localAddress: string): Promise<RawStream> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: 'Bearer brigade-token' }
    const req = get(`${gw.httpUrl}/api/v1/live`, { headers, localAddress, agent: false }, (res) => {
      let text = ''
      let closed = false
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
      })
      res.on('error', () => {})
      res.on('close', () => {
        closed = true
      })
      const stream: RawStream = {
        status: res.statusCode ?? 0,
        headers: res.headers,
        text: () => text,
        isClosed: () => closed,
        close: () => req.destroy(),
      }
      streams.push(stream)
      resolve(stream)
    })
    req.on('error', reject)
  })
}

const heartbeats = (s: RawStream) => s.text().split(': keepalive\n\n').length - 1
const liveOpen = () => metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="live"}')

describe('Live streams', () => {
  it('When a live stream stays open longer than every plain-request timeout, then it is not cut, carries a heartbeat every LIVE_HEARTBEAT_SEC and still delivers a fire alert', async () => {
    const s = await openStream('127.0.0.71')
    expect(s.status).toBe(200)
    // Three heartbeats at 1 s: the stream has outlived the 1 s header, request and idle timeouts.
    await waitFor(() => heartbeats(s) >= 3, 10_000, 100)
    expect(s.isClosed()).toBe(false)
    device = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    await device.publishAsync('fw/tower-a/ta-12-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    await waitFor(() => /event: alert\ndata: .*"device":"ta-12-smoke-01"/.test(s.text()), 5_000, 50)
  }, 20_000)

  it('When one address opens more than LIVE_MAX_STREAMS_PER_ADDRESS streams, then 429 FGW_ERR_LIMIT_CONNECTIONS with Retry-After, and other addresses are served', async () => {
    for (let i = 0; i < 3; i++) expect((await openStream('127.0.0.72')).status).toBe(200)
    const refused = await openStream('127.0.0.72')
    expect(refused.status).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    await waitFor(() => refused.isClosed())
    expect(JSON.parse(refused.text()).error).toBe('FGW_ERR_LIMIT_CONNECTIONS')
    expect((await openStream('127.0.0.73')).status).toBe(200)
    expect(await limitHits(gw.httpUrl, 'live_streams_address')).toBe(1)
  })

  it('When LIVE_MAX_STREAMS streams are open, then the next gets 503 until one closes', async () => {
    const open = [
      ...(await Promise.all([1, 2, 3].map(() => openStream('127.0.0.74')))),
      await openStream('127.0.0.75'),
      await openStream('127.0.0.75'),
    ]
    expect(open.map((s) => s.status)).toEqual([200, 200, 200, 200, 200])
    expect(await liveOpen()).toBe(5)
    const refused = await openStream('127.0.0.76')
    expect(refused.status).toBe(503)
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1)
    expect(await limitHits(gw.httpUrl, 'live_streams_total')).toBe(1)
    open[0]!.close()
    await waitFor(async () => (await liveOpen()) < 5)
    expect((await openStream('127.0.0.76')).status).toBe(200)
  })
})
