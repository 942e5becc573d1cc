import { execFile } from 'node:child_process'
import { request } from 'node:https'
import { promisify } from 'node:util'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseGatewayEnv } from '../../gateway/config.ts'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox, requireBinary, subscribeGranted } from '../support/mqtt-peers.ts'
import { createTestCa, type TestCa } from '../support/test-ca.ts'

const run = promisify(execFile)
let ca: TestCa
let rogue: TestCa
let gw: GatewayUnderTest
const clients: MqttClient[] = []

beforeAll(async () => {
  ca = createTestCa()
  rogue = createTestCa('Rogue CA')
  gw = await startTestGateway({
    TLS_CERT_FILE: ca.server.cert,
    TLS_KEY_FILE: ca.server.key,
    TLS_CA_FILE: ca.caFile,
    MQTT_TLS_PORT: '0',
    HTTPS_PORT: '0',
  })
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw?.stop()
  ca?.remove()
  rogue?.remove()
})

/** An mqtt.js client over TLS that trusts the test CA; `cert` logs in with a device certificate. */
async function tlsClient(opts: { user?: string; pass?: string; cert?: { cert: string; key: string } }) {
  const c = await connectClient(gw.mqttsUrl!, opts.user as string, opts.pass as string, {
    ca: ca.pem(ca.caFile),
    ...(opts.cert ? { cert: ca.pem(opts.cert.cert), key: ca.pem(opts.cert.key) } : {}),
  })
  clients.push(c)
  return c
}

const refusal = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: Error & { code?: number }) => e.code ?? e.message,
  )

describe('MQTT over TLS', () => {
  it('When a device logs in with its password over TLS, then it is connected and plain MQTT still works', async () => {
    expect((await tlsClient({ user: 'ta-12-smoke-01', pass: 's3cret-ta-12' })).connected).toBe(true)
    const plain = await connectClient(gw.mqttUrl, 'ta-12-smoke-02', 's3cret-ta-12b')
    clients.push(plain)
    expect(plain.connected).toBe(true)
  })

  it('When a device presents a certificate of the site CA with CN = its id, then it logs in without a password', async () => {
    const c = await tlsClient({ cert: ca.client('ta-20-sprinkler-01') })
    expect(c.connected).toBe(true)
    expect(await subscribeGranted(c, ['fw/tower-a/ta-20-sprinkler-01/error'])).toEqual([0])
  })

  it("When a device with a valid certificate publishes into another device's topic, then it is refused and told", async () => {
    const c = await tlsClient({ cert: ca.client('ta-32-tank-01') })
    const inbox = new Inbox(c)
    await c.subscribeAsync('fw/tower-a/ta-32-tank-01/error')
    expect(await subscribeGranted(c, ['fw/tower-b/tb-03-smoke-01/error'])).toEqual([128])
    await c.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    const answer = await inbox.next((m) => m.topic === 'fw/tower-a/ta-32-tank-01/error')
    expect(answer.body.error).toBe('FGW_ERR_TOPIC_FORBIDDEN')
    const alerts = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts?building=tower-b')
    expect(alerts.body.alerts).toEqual([])
  })

  it("When a certificate's CN names one device and the username another, then CONNACK 5", async () => {
    const cert = ca.client('ta-b1-elec-01')
    expect(await refusal(tlsClient({ user: 'tb-03-smoke-01', cert }))).toBe(5)
  })

  it('When a certificate comes from another CA, then CONNACK 5 even with the right CN', async () => {
    const cert = rogue.client('ta-05-smoke-01')
    const c = connectClient(gw.mqttsUrl!, undefined as never, undefined as never, {
      ca: ca.pem(ca.caFile),
      cert: rogue.pem(cert.cert),
      key: rogue.pem(cert.key),
    })
    expect(await refusal(c)).toBe(5)
  })

  it('When a certificate names no device of the site, then CONNACK 5', async () => {
    expect(await refusal(tlsClient({ cert: ca.client('not-a-device') }))).toBe(5)
  })

  it("When mosquitto_pub uses a device's certificate, then its messages are taken and its bad one answered (seen by mosquitto_sub over TLS)", async () => {
    const sub = requireBinary('mosquitto_sub', 'mosquitto-clients')
    const pub = requireBinary('mosquitto_pub', 'mosquitto-clients')
    const cert = ca.client('tb-01-pump-01')
    const server = ['-h', '127.0.0.1', '-p', new URL(gw.mqttsUrl!).port, '--cafile', ca.caFile]
    // The brigade watches the device's error topic with a password over TLS (a device login would
    // be taken over by the publisher: MQTT_DUPLICATE_LOGIN=takeover).
    const watch = [
      '-u',
      'brigade',
      '-P',
      'brigade-token',
      '-t',
      'fw/tower-b/tb-01-pump-01/error',
      '-C',
      '1',
      '-W',
      '10',
    ]
    const answer = run(sub, [...server, ...watch])
    const device = [
      ...server,
      '--cert',
      cert.cert,
      '--key',
      cert.key,
      '-q',
      '1',
      '-t',
      'fw/tower-b/tb-01-pump-01/telemetry',
    ]
    // The subscription must exist before the bad message goes out: publish until the answer arrives.
    let answered = false
    void answer.then(() => {
      answered = true
    })
    for (let i = 0; i < 20 && !answered; i++) {
      await run(pub, [...device, '-m', 'not json'])
      await new Promise((r) => setTimeout(r, 250))
    }
    const { stdout } = await answer
    expect(JSON.parse(stdout).error).toBe('FGW_ERR_INGEST_NOT_JSON')
    await run(pub, [...device, '-m', JSON.stringify({ metrics: { pressure_mpa: 0.61 } })])
    const detail = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings/tower-b')
    expect(JSON.stringify(detail.body)).toContain('0.61')
  })
})

describe('HTTPS', () => {
  it('When the API is called over HTTPS, then it answers with HSTS, and plain HTTP still answers', async () => {
    const res = await httpsGet(`${gw.httpsUrl}/api/v1/buildings`, ca.pem(ca.caFile), 'brigade-token')
    expect(res.status).toBe(200)
    expect(res.headers['strict-transport-security']).toMatch(/max-age=/)
    expect(JSON.parse(res.body).buildings.length).toBe(2)
    expect((await apiClient(gw.httpUrl).get('/healthz')).status).toBe(200)
  })
})

describe('Plain listeners off, client certificates required', () => {
  it('When MQTT_PLAIN and HTTP_PLAIN are off, then only TLS listens, and TLS_CLIENT_CERT=required refuses a client without a certificate', async () => {
    const strict = await startTestGateway({
      TLS_CERT_FILE: ca.server.cert,
      TLS_KEY_FILE: ca.server.key,
      TLS_CA_FILE: ca.caFile,
      TLS_CLIENT_CERT: 'required',
      MQTT_TLS_PORT: '0',
      HTTPS_PORT: '0',
      MQTT_PLAIN: 'off',
      HTTP_PLAIN: 'off',
    })
    try {
      expect(strict.gateway.mqttPort).toBeNull()
      expect(strict.gateway.httpPort).toBeNull()
      const cert = ca.client('ta-12-smoke-02')
      const device = await connectClient(strict.mqttsUrl!, undefined as never, undefined as never, {
        ca: ca.pem(ca.caFile),
        cert: ca.pem(cert.cert),
        key: ca.pem(cert.key),
      })
      expect(device.connected).toBe(true)
      await device.endAsync(true)
      const noCert = connectClient(strict.mqttsUrl!, 'ta-12-smoke-02', 's3cret-ta-12b', {
        ca: ca.pem(ca.caFile),
      })
      expect(await refusal(noCert)).not.toBeNull()
      const health = await httpsGet(`${strict.httpsUrl}/healthz`, ca.pem(ca.caFile))
      expect(health.status).toBe(200)
      const metrics = await httpsGet(`${strict.httpsUrl}/metrics`, ca.pem(ca.caFile))
      expect(metrics.status).toBe(200)
      expect(metrics.body).toContain('firewatch_mqtt_connections')
    } finally {
      await strict.stop()
    }
  })

  it('When a plain listener is switched off without a certificate, then start-up stops naming the variable', () => {
    expect(() => parseGatewayEnv({ MQTT_PLAIN: 'off' })).toThrow(/MQTT_PLAIN/)
    expect(() => parseGatewayEnv({ HTTP_PLAIN: 'off' })).toThrow(/HTTP_PLAIN/)
    expect(() => parseGatewayEnv({ TLS_CERT_FILE: '/x.pem' })).toThrow(/TLS_KEY_FILE/)
  })
})

function httpsGet(url: string, ca: Buffer, token?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const headers = token ? { authorization: `Bearer ${token}` } : {}
      request(url, { ca, headers }, (res) => {
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
        .on('error', reject)
        .end()
    },
  )
}
