import { request } from 'node:http'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { siteWithStoredSecrets } from './site-variants.ts'

// Values that must never reach the log, whatever the level.
const WRONG_PASSWORD = 'Sentinel-Wrong-Password-1'
const BAD_TOKEN = 'Sentinel-Bad-Token-2'
const ACK_TOKEN = 'Sentinel-Ack-Token-3'
const SHORT_ACK_TOKEN = 'Sh0rtAckT0ken-x9Qz'
const PATROL_TOKEN = 'patrol-token-never-logged.9f8e7d'
const QUERY_TOKEN = 'Sentinel-Query-Token-4'
const SITE_SECRETS = ['s3cret-ta-12b', 's3cret-tb-03-from-env', 'manager-a-token', 'brigade-token']

let gw: GatewayChild
const output: string[] = []
const clients: MqttClient[] = []

beforeAll(async () => {
  const site = await siteWithStoredSecrets()
  gw = await spawnTestGateway({ FIREWATCH_SITE: site.file, LOG_LEVEL: 'trace', ...site.env })
  gw.child.stdout!.on('data', (c: Buffer) => output.push(c.toString()))
  gw.child.stderr!.on('data', (c: Buffer) => output.push(c.toString()))
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw?.stop()
})

describe('Nothing secret is logged', () => {
  it('When logins fail and succeed and requests carry tokens, then the trace-level log holds none of the secrets', async () => {
    const wrong = await connectClient(gw.mqttUrl, 'ta-12-smoke-02', WRONG_PASSWORD).catch(
      (e: { code: number }) => e,
    )
    expect((wrong as { code: number }).code).toBe(5)
    clients.push(await connectClient(gw.mqttUrl, 'ta-12-smoke-02', 's3cret-ta-12b'))
    clients.push(await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03-from-env'))
    expect((await apiClient(gw.httpUrl, 'manager-a-token').get('/api/v1/buildings')).status).toBe(200)
    expect((await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings')).status).toBe(200)
    expect((await apiClient(gw.httpUrl, BAD_TOKEN).get('/api/v1/buildings')).status).toBe(401)
    await apiClient(gw.httpUrl).get(`/ack/${ACK_TOKEN}`)
    await apiClient(gw.httpUrl).get(`/a/${SHORT_ACK_TOKEN}`)
    await apiClient(gw.httpUrl).get(`/patrol/${PATROL_TOKEN}`)
    await apiClient(gw.httpUrl, 'brigade-token').get(`/api/v1/alerts?token=${QUERY_TOKEN}`)
    await Promise.all(clients.splice(0).map((c) => c.endAsync(true)))
    await gw.stop()
    const log = output.join('')
    // The log is there and detailed: requests and the refused login are in it.
    expect(log).toContain('incoming request')
    expect(log).toContain('/ack/[redacted]')
    expect(log).toContain('/a/[redacted]')
    expect(log).toContain('/patrol/[redacted]')
    expect(log).toContain('mqtt login refused')
    for (const secret of [
      WRONG_PASSWORD,
      BAD_TOKEN,
      ACK_TOKEN,
      SHORT_ACK_TOKEN,
      PATROL_TOKEN,
      QUERY_TOKEN,
      ...SITE_SECRETS,
    ]) {
      expect(log, `the log contains ${secret}`).not.toContain(secret)
    }
  })
})

/** GET of a path exactly as written (fetch would normalise `/./`, `..` and backslashes away). */
function rawGet(baseUrl: string, path: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: 'GET' }, (res) => {
      res.resume()
      res.on('end', () => resolve(res.statusCode ?? 0))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('Encoded link paths are redacted too', () => {
  it('When a link token comes in a percent-encoded, re-cased or re-slashed path, then the debug log never holds it', async () => {
    const encoded = await spawnTestGateway({ LOG_LEVEL: 'debug' })
    const lines: string[] = []
    encoded.child.stdout!.on('data', (c: Buffer) => lines.push(c.toString()))
    const token = (n: number) => `EncodedSentinel${n}x7Qp`
    const paths = [
      `/%61/${token(1)}`,
      `/%2561/${token(2)}`,
      `/a%2F${token(3)}`,
      `/A/${token(4)}`,
      `//a/${token(5)}`,
      `/./a/${token(6)}`,
      `/%61ck/${token(7)}`,
      `/ACK/${token(8)}`,
      `/patro%6C/${token(9)}`,
      `/x/../a/${token(10)}`,
      `/a;v=1/${token(11)}`,
      `/%2F%61%2F${token(12)}`,
      `/a/${token(13)}/more?x=1`,
      `/api/v1/alerts?%74oken=${token(14)}`,
      `/api/v1/alerts?Access%5FToken=${token(15)}&state=open`,
    ]
    try {
      for (const path of paths) expect(await rawGet(encoded.httpUrl, path), path).toBeLessThan(500)
      // One request the log must show as it came, to prove that the requests above were logged.
      expect(await rawGet(encoded.httpUrl, '/healthz?probe=EncodedProbeSeen')).toBe(200)
    } finally {
      await encoded.stop()
    }
    const log = lines.join('')
    expect(log).toContain('EncodedProbeSeen')
    expect(log).toContain('/a/[redacted]')
    expect(log).toContain('/ack/[redacted]')
    expect(log).toContain('/patrol/[redacted]')
    for (let n = 1; n <= paths.length; n++)
      expect(log, `the log contains ${token(n)}`).not.toContain(token(n))
  })
})
