import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'

// The gateway runs as its own process: a payload that crashes it shows as an exit, not as a
// failed test inside a dead worker.
// Answers on the error topic are budgeted per device and code (a burst of five): the cases take
// turns on two devices so that each one is answered.
const DEVICES = [
  { id: 'ta-12-smoke-01', secret: 's3cret-ta-12' },
  { id: 'ta-12-smoke-02', secret: 's3cret-ta-12b' },
]
const DEPTH = 5_000
// `{"a":` is five bytes a level: 2,000 levels stay under the 16 KiB payload limit.
const OBJECT_DEPTH = 2_000

let gw: GatewayChild
let exits: string[]
let peers: { client: MqttClient; inbox: Inbox; base: string }[]

const nestedArray = (depth: number) => `${'['.repeat(depth)}1${']'.repeat(depth)}`
const nestedObject = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`

beforeAll(async () => {
  gw = await spawnTestGateway()
  exits = []
  gw.child.once('exit', (code, signal) => exits.push(`exit code ${code}, signal ${signal}`))
  peers = await Promise.all(
    DEVICES.map(async ({ id, secret }) => {
      const client = await connectClient(gw.mqttUrl, id, secret)
      const base = `fw/tower-a/${id}`
      const inbox = new Inbox(client)
      await client.subscribeAsync(`${base}/error`)
      return { client, inbox, base }
    }),
  )
})
afterAll(async () => {
  await Promise.all((peers ?? []).map((p) => p.client.endAsync(true)))
  await gw?.stop()
})

const counted = async (code: string) =>
  metricValue(
    await apiClient(gw.httpUrl).text('/metrics'),
    `firewatch_readings_rejected_total{reason="${code}"}`,
  )

describe('Payloads built to crash the decoder', () => {
  it.each(
    [
      [
        'an array nested 5,000 deep as a metric value',
        'telemetry',
        `{"metrics":{"smoke_dbm":${nestedArray(DEPTH)}}}`,
      ],
      [
        'an object nested 2,000 deep as a metric value',
        'telemetry',
        `{"metrics":{"smoke_dbm":${nestedObject(OBJECT_DEPTH)}}}`,
      ],
      ['a deep array as ts', 'telemetry', `{"ts":${nestedArray(DEPTH)},"metrics":{"battery_pct":90}}`],
      ['a deep array as seq', 'telemetry', `{"seq":${nestedArray(DEPTH)},"metrics":{"battery_pct":90}}`],
      ['a deep array as the metrics', 'telemetry', `{"metrics":${nestedArray(DEPTH)}}`],
      ['a deep array under an unknown key', 'telemetry', `{"x":${nestedArray(DEPTH)},"metrics":{}}`],
      ['a deep array as an event detail', 'event', `{"event":"fault","detail":${nestedArray(DEPTH)}}`],
      ['a deep array as the event name', 'event', `{"event":${nestedArray(DEPTH)}}`],
      ['a deep object as an event ts', 'event', `{"event":"test","ts":${nestedObject(OBJECT_DEPTH)}}`],
    ].map(([what, kind, payload], i): [string, string, string, number] => [what!, kind!, payload!, i]),
  )(
    'When a device sends %s, then it is refused and counted, and the gateway stays up',
    async (_what, kind, payload, i) => {
      const { client: device, inbox, base: BASE } = peers[i % peers.length]!
      expect(Buffer.byteLength(payload)).toBeLessThan(16_384)
      const before = await counted('FGW_ERR_INGEST_TOO_DEEP')
      const after = inbox.mark()
      await device.publishAsync(`${BASE}/${kind}`, payload, { qos: 1 })
      const answer = await inbox.next((m) => m.body.error === 'FGW_ERR_INGEST_TOO_DEEP', { after })
      expect(answer.body.topic).toBe(`${BASE}/${kind}`)
      expect(String(answer.body.detail).length).toBeLessThan(200)
      expect(await counted('FGW_ERR_INGEST_TOO_DEEP')).toBe(before + 1)
      expect(exits).toEqual([])
      expect(device.connected).toBe(true)
    },
  )

  it('When a bad value is long or nested within the limit, then the answer describes it in a bounded text', async () => {
    const { client: device, inbox, base: BASE } = peers[0]!
    const long = 'x'.repeat(12_000)
    const after = inbox.mark()
    await device.publishAsync(
      `${BASE}/telemetry`,
      JSON.stringify({ metrics: { smoke_dbm: long, battery_pct: [[[1]]], rssi_dbm: -60 } }),
      { qos: 1 },
    )
    const answers = [
      await inbox.next((m) => String(m.body.detail).startsWith('smoke_dbm'), { after }),
      await inbox.next((m) => String(m.body.detail).startsWith('battery_pct'), { after }),
    ]
    for (const a of answers) {
      expect(a.body.error).toBe('FGW_ERR_INGEST_BAD_VALUE')
      expect(String(a.body.detail).length).toBeLessThan(120)
    }
    expect(exits).toEqual([])
  })

  it('When hostile payloads came first, then a fire alarm from another device still becomes a fire alert', async () => {
    const other = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
    await other.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    await other.endAsync()
    const brigade = apiClient(gw.httpUrl, 'brigade-token')
    await waitFor(async () => {
      const { body } = await brigade.get('/api/v1/alerts?building=tower-b&class=fire')
      return body.alerts.some((a: { device: string }) => a.device === 'tb-03-smoke-01')
    }, 10_000)
    expect(exits).toEqual([])
  })
})
