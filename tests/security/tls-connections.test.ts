import { request } from 'node:https'
import { connect as tlsConnect } from 'node:tls'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { destroyAll, type IdleSocket, openMany } from '../support/idle-sockets.ts'
import { limitHits, metricFrom } from '../support/loopback-http.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { createTestCa, type TestCa } from '../support/test-ca.ts'

const CLOSED_WITHIN_MS = 15_000

let ca: TestCa
let gw: GatewayUnderTest
const clients: MqttClient[] = []
const sockets: IdleSocket[] = []

beforeAll(async () => {
  ca = createTestCa()
  gw = await startTestGateway({
    TLS_CERT_FILE: ca.server.cert,
    TLS_KEY_FILE: ca.server.key,
    MQTT_TLS_PORT: '0',
    HTTPS_PORT: '0',
    TLS_HANDSHAKE_TIMEOUT_MS: '1500',
    HTTP_HEADERS_TIMEOUT_MS: '2000',
    HTTP_MAX_CONNECTIONS_PER_ADDRESS: '4',
    MQTT_MAX_PENDING_LOGINS_PER_ADDRESS: '3',
  })
})
afterAll(async () => {
  destroyAll(sockets)
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw?.stop()
  ca?.remove()
})

const portOf = (url: string | undefined) => Number(new URL(url!).port)

function httpsStatus(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    request(`${gw.httpsUrl}${path}`, { ca: ca.pem(ca.caFile), agent: false }, (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
      .on('error', reject)
      .end()
  })
}

describe('TLS listeners', () => {
  it('When TCP connections to the HTTPS port never start a handshake, then beyond HTTP_MAX_CONNECTIONS_PER_ADDRESS they are closed at once and the others after TLS_HANDSHAKE_TIMEOUT_MS, counted, and HTTPS still serves', async () => {
    const before = await limitHits(gw.httpUrl, 'tls_handshake_timeout')
    const idle = await openMany(6, portOf(gw.httpsUrl), '127.0.0.81')
    sockets.push(...idle)
    await waitFor(() => idle.every((s) => s.isClosed()), CLOSED_WITHIN_MS, 100)
    expect(idle.every((s) => s.received() === '')).toBe(true)
    expect(await limitHits(gw.httpUrl, 'http_connections_address')).toBe(2)
    expect(await limitHits(gw.httpUrl, 'tls_handshake_timeout')).toBe(before + 4)
    expect(await httpsStatus('/healthz')).toBe(200)
    const open = () => metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="https"}')
    await waitFor(async () => (await open()) === 0)
  }, 30_000)

  it('When a client finishes the TLS handshake and sends no request, then 408 after HTTP_HEADERS_TIMEOUT_MS', async () => {
    const received: Buffer[] = []
    const socket = tlsConnect({ port: portOf(gw.httpsUrl), host: '127.0.0.1', ca: ca.pem(ca.caFile) })
    socket.on('data', (c: Buffer) => received.push(c))
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('close', resolve))
    expect(Buffer.concat(received).toString().split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout')
  }, 20_000)

  it('When TCP connections to the MQTT-over-TLS port never start a handshake, then beyond MQTT_MAX_PENDING_LOGINS_PER_ADDRESS they are closed at once and the others after TLS_HANDSHAKE_TIMEOUT_MS, while a device logs in over TLS and raises an alert', async () => {
    const before = await limitHits(gw.httpUrl, 'tls_handshake_timeout')
    const idle = await openMany(5, portOf(gw.mqttsUrl), '127.0.0.82')
    sockets.push(...idle)
    const device = await connectClient(gw.mqttsUrl!, 'tb-03-smoke-01', 's3cret-tb-03', {
      ca: ca.pem(ca.caFile),
    })
    clients.push(device)
    await device.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    const api = apiClient(gw.httpUrl, 'brigade-token')
    await waitFor(async () =>
      ((await api.get('/api/v1/alerts?class=fire')).body.alerts as { device: string }[]).some(
        (a) => a.device === 'tb-03-smoke-01',
      ),
    )
    await waitFor(() => idle.every((s) => s.isClosed()), CLOSED_WITHIN_MS, 100)
    expect(await limitHits(gw.httpUrl, 'mqtt_pending_logins_address')).toBe(2)
    expect(await limitHits(gw.httpUrl, 'tls_handshake_timeout')).toBe(before + 3)
    // Every closed TLS connection has left the counts: the device is the one left, logged in.
    const open = () => metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="mqtts"}')
    await waitFor(async () => (await open()) === 1)
    expect(await metricFrom(gw.httpUrl, 'firewatch_mqtt_pending_logins')).toBe(0)
  }, 30_000)
})
