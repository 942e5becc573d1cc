import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'

const DEVICE = 'ta-20-sprinkler-01'
const BASE = 'fw/tower-a/ta-20-sprinkler-01'
let gw: GatewayUnderTest
let device: MqttClient
let inbox: Inbox

beforeAll(async () => {
  gw = await startTestGateway({ INGEST_MAX_PAYLOAD_BYTES: '1024' })
  device = await connectClient(gw.mqttUrl, DEVICE, 's3cret-ta-20')
  inbox = new Inbox(device)
  await device.subscribeAsync(`${BASE}/error`)
})
afterAll(async () => {
  await device.endAsync(true)
  await gw.stop()
})

const rejectedCount = async (reason: string) =>
  metricValue(
    await apiClient(gw.httpUrl).text('/metrics'),
    `firewatch_readings_rejected_total{reason="${reason}"}`,
  )

describe('Bad input on MQTT', () => {
  it.each([
    ['not JSON', 'telemetry', '{"metrics": {', 'FGW_ERR_INGEST_NOT_JSON'],
    ['a payload of the wrong shape', 'telemetry', '{"metrics": [1, 2]}', 'FGW_ERR_INGEST_SCHEMA'],
    [
      'a string timestamp',
      'telemetry',
      '{"ts": "yesterday", "metrics": {"pressure_mpa": 0.3}}',
      'FGW_ERR_INGEST_SCHEMA',
    ],
    ['an unknown event', 'event', '{"event": "party"}', 'FGW_ERR_INGEST_SCHEMA'],
    ['a bad status word', 'status', 'maybe', 'FGW_ERR_INGEST_SCHEMA'],
    [
      'a huge payload',
      'telemetry',
      JSON.stringify({ metrics: { pressure_mpa: 0.3 }, pad: 'x'.repeat(5000) }),
      'FGW_ERR_INGEST_TOO_LARGE',
    ],
  ])(
    'When a device sends %s, then it is answered on its error topic, counted, and stays connected',
    async (_what, kind, payload, code) => {
      const before = await rejectedCount(code)
      const after = inbox.mark()
      await device.publishAsync(`${BASE}/${kind}`, payload, { qos: 1 })
      const answer = await inbox.next((m) => m.body.error === code, { after })
      expect(answer.body).toMatchObject({ error: code, topic: `${BASE}/${kind}` })
      expect(typeof answer.body.detail).toBe('string')
      expect(await rejectedCount(code)).toBe(before + 1)
      expect(device.connected).toBe(true)
    },
  )

  it('When a message mixes valid metrics with an unknown metric and a bad value, then the valid ones are kept', async () => {
    const ts = Date.now()
    const payload = {
      ts,
      metrics: { pressure_mpa: 0.42, battery_pct: 88, flux_capacitor: 1, rssi_dbm: 'loud' },
    }
    await device.publishAsync(`${BASE}/telemetry`, JSON.stringify(payload), { qos: 1 })
    await inbox.next(
      (m) => m.body.error === 'FGW_ERR_INGEST_UNKNOWN_METRIC' && m.body.detail === 'flux_capacitor',
    )
    await inbox.next((m) => m.body.error === 'FGW_ERR_INGEST_BAD_VALUE')
    const detail = await waitFor(async () => {
      const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings/tower-a')
      const devices = body.floors.flatMap((f: any) => f.zones.flatMap((z: any) => z.devices))
      const found = devices.find((d: any) => d.id === DEVICE)
      return found?.latest?.pressure_mpa?.value === 0.42 ? found : null
    })
    expect(detail.latest.battery_pct.value).toBe(88)
    expect(detail.latest.flux_capacitor).toBeUndefined()
  })

  it.each([
    ['a topic outside fw/', 'elsewhere/telemetry', 'FGW_ERR_TOPIC_UNKNOWN'],
    ['an unknown kind', `${BASE}/firmware`, 'FGW_ERR_TOPIC_UNKNOWN'],
    ['its own error topic', `${BASE}/error`, 'FGW_ERR_TOPIC_FORBIDDEN'],
    ['a deeper topic', `${BASE}/telemetry/extra`, 'FGW_ERR_TOPIC_UNKNOWN'],
  ])(
    'When a device publishes on %s, then it is refused with a reason and stays connected',
    async (_what, topic, code) => {
      await device.publishAsync(topic, '{"metrics": {"pressure_mpa": 0.3}}', { qos: 1 })
      const answer = await inbox.next((m) => m.body.error === code && m.body.topic === topic)
      expect(answer.body.detail).toBeTruthy()
      expect(device.connected).toBe(true)
    },
  )

  it('When a seq is repeated, then the duplicate is ignored and counted', async () => {
    const before = await rejectedCount('FGW_ERR_INGEST_DUPLICATE')
    const msg = JSON.stringify({ seq: 4242, metrics: { pressure_mpa: 0.31 } })
    await device.publishAsync(`${BASE}/telemetry`, msg, { qos: 1 })
    await device.publishAsync(`${BASE}/telemetry`, msg, { qos: 1 })
    expect(await rejectedCount('FGW_ERR_INGEST_DUPLICATE')).toBe(before + 1)
  })

  it('When a burst of 500 bad messages arrives, then the gateway answers within limits and keeps serving', async () => {
    for (let i = 0; i < 500; i++) device.publish(`${BASE}/telemetry`, `not json ${i}`, { qos: 0 })
    await device.publishAsync(`${BASE}/telemetry`, JSON.stringify({ metrics: { pressure_mpa: 0.5 } }), {
      qos: 1,
    })
    const notJson = inbox.messages.filter((m) => m.body.error === 'FGW_ERR_INGEST_NOT_JSON').length
    // Answers are budgeted per device and code (a burst of 5, then 1 per second); the counter sees every one.
    expect(notJson).toBeLessThan(10)
    expect(await rejectedCount('FGW_ERR_INGEST_NOT_JSON')).toBeGreaterThanOrEqual(501)
    const health = await fetch(`${gw.httpUrl}/healthz`)
    expect(health.status).toBe(200)
  })
})
