import type { MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { destroyAll, IdleFlood, type IdleSocket, openIdle, openMany } from '../support/idle-sockets.ts'
import { httpFrom, limitHits, metricFrom } from '../support/loopback-http.ts'
import { connectClient } from '../support/mqtt-peers.ts'

// Caps and timeouts set low, so that tens of connections and a few seconds show what a flood of
// thousands would do to the defaults (SECURITY.md "File descriptors").
const ENV = {
  HTTP_MAX_CONNECTIONS: '20',
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: '8',
  HTTP_HEADERS_TIMEOUT_MS: '3000',
  HTTP_REQUEST_TIMEOUT_MS: '6000',
  HTTP_IDLE_TIMEOUT_MS: '4500',
  HTTP_KEEP_ALIVE_TIMEOUT_MS: '500',
}
/** Generous bound for a timeout of a few seconds to have closed a connection. */
const CLOSED_WITHIN_MS = 15_000

let gw: GatewayUnderTest
let port: number
let sockets: IdleSocket[] = []
const clients: MqttClient[] = []

beforeAll(async () => {
  gw = await startTestGateway(ENV)
  port = Number(new URL(gw.httpUrl).port)
})
afterEach(() => {
  destroyAll(sockets)
  sockets = []
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw?.stop()
})

const statusLine = (s: IdleSocket) => s.received().split('\r\n')[0]

describe('HTTP connections', () => {
  it('When one address opens idle connections, then those beyond HTTP_MAX_CONNECTIONS_PER_ADDRESS get 429 at once and the others 408 after HTTP_HEADERS_TIMEOUT_MS, all counted', async () => {
    sockets = await openMany(12, port, '127.0.0.31')
    await waitFor(() => sockets.every((s) => s.isClosed()), CLOSED_WITHIN_MS, 100)
    expect(sockets.slice(0, 8).map(statusLine)).toEqual(Array(8).fill('HTTP/1.1 408 Request Timeout'))
    expect(sockets.slice(8).map(statusLine)).toEqual(Array(4).fill('HTTP/1.1 429 Too Many Requests'))
    const refusal = sockets[8]!.received()
    expect(refusal).toMatch(/\r\nretry-after: \d+\r\n/i)
    expect(JSON.parse(refusal.slice(refusal.indexOf('\r\n\r\n') + 4)).error).toBe('FGW_ERR_LIMIT_CONNECTIONS')
    expect(await limitHits(gw.httpUrl, 'http_connections_address')).toBe(4)
    expect(await limitHits(gw.httpUrl, 'http_request_timeout')).toBeGreaterThanOrEqual(8)
  }, 30_000)

  it('When many addresses fill HTTP_MAX_CONNECTIONS and keep it full, then a new address gets 503, while /healthz answers on the own host, a device logs in over MQTT and its fire alarm becomes an alert', async () => {
    const flood = new IdleFlood(port, 500)
    try {
      await flood.start([
        ['127.0.0.41', 8],
        ['127.0.0.42', 8],
        ['127.0.0.43', 4],
      ])
      const late = await openIdle(port, '127.0.0.44')
      sockets.push(late)
      await late.closed
      expect(statusLine(late)).toBe('HTTP/1.1 503 Service Unavailable')
      // The health check comes from the gateway's own host: only its per-address cap applies to it.
      expect((await httpFrom(gw.httpUrl, '127.0.0.1', '/healthz')).status).toBe(200)
      expect(
        await metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="http"}'),
      ).toBeGreaterThanOrEqual(20)

      const device = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
      clients.push(device)
      await device.publishAsync('fw/tower-a/ta-12-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
        qos: 1,
      })
      const api = apiClient(gw.httpUrl, 'brigade-token')
      const alert = await waitFor(async () => {
        const { body } = await api.get('/api/v1/alerts?class=fire')
        return (body.alerts as { device: string; state: string }[]).find((a) => a.device === 'ta-12-smoke-01')
      })
      expect(alert.state).toBe('open')
      expect(await limitHits(gw.httpUrl, 'http_connections_total')).toBeGreaterThanOrEqual(1)
    } finally {
      flood.stop()
    }
    // The flood gone, the new address is served again.
    const after = await waitFor(
      async () => (await httpFrom(gw.httpUrl, '127.0.0.44', '/healthz')).status === 200,
      CLOSED_WITHIN_MS,
      200,
    )
    expect(after).toBe(true)
  }, 40_000)

  it('When a keep-alive connection waits longer than HTTP_KEEP_ALIVE_TIMEOUT_MS for its next request, then it is closed and counted', async () => {
    const before = await limitHits(gw.httpUrl, 'http_keep_alive_timeout')
    const s = await openIdle(port, '127.0.0.33')
    sockets.push(s)
    s.socket.write('GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n')
    await s.closed
    expect(statusLine(s)).toBe('HTTP/1.1 200 OK')
    expect(await limitHits(gw.httpUrl, 'http_keep_alive_timeout')).toBe(before + 1)
  }, 20_000)

  it('When a request body stops arriving, then the connection is closed after HTTP_IDLE_TIMEOUT_MS and counted', async () => {
    const s = await openIdle(port, '127.0.0.34')
    sockets.push(s)
    s.socket.write(
      'POST /api/v1/alerts/nope/ack HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer brigade-token\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"note":',
    )
    await s.closed
    expect(s.received()).toBe('')
    expect(await limitHits(gw.httpUrl, 'http_idle_timeout')).toBeGreaterThanOrEqual(1)
  }, 20_000)

  it('When a request body trickles in, then 408 after HTTP_REQUEST_TIMEOUT_MS and counted', async () => {
    const before = await limitHits(gw.httpUrl, 'http_request_timeout')
    const s = await openIdle(port, '127.0.0.35')
    sockets.push(s)
    s.socket.write(
      'POST /api/v1/alerts/nope/ack HTTP/1.1\r\nHost: gateway\r\nAuthorization: Bearer brigade-token\r\n' +
        'Content-Type: application/json\r\nContent-Length: 100\r\n\r\n',
    )
    // One byte every 300 ms keeps the connection from being idle; at most 60 of them (18 s).
    for (let i = 0; i < 60 && !s.isClosed(); i++) {
      s.socket.write(' ')
      await new Promise((r) => setTimeout(r, 300))
    }
    expect(s.isClosed()).toBe(true)
    expect(statusLine(s)).toBe('HTTP/1.1 408 Request Timeout')
    expect(await limitHits(gw.httpUrl, 'http_request_timeout')).toBe(before + 1)
  }, 30_000)
})
