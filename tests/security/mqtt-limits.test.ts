import { Writable } from 'node:stream'
import type { MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox, subscribeGranted } from '../support/mqtt-peers.ts'
import { clientFrom, rawLogin } from '../support/raw-mqtt.ts'

const SECRETS: Record<string, string> = {
  'ta-12-smoke-01': 's3cret-ta-12',
  'ta-12-smoke-02': 's3cret-ta-12b',
  'ta-20-sprinkler-01': 's3cret-ta-20',
  'ta-32-tank-01': 's3cret-ta-32',
  'ta-b1-elec-01': 's3cret-ta-b1',
  'ta-05-smoke-01': 's3cret-ta-05',
  'tb-03-smoke-01': 's3cret-tb-03',
  'tb-01-pump-01': 's3cret-tb-01',
}
const BUILDING = (id: string) => (id.startsWith('ta-') ? 'tower-a' : 'tower-b')

let gw: GatewayUnderTest
const logLines: string[] = []
let open: MqttClient[] = []

beforeAll(async () => {
  const sink = new Writable({
    write(chunk, _enc, done) {
      logLines.push(chunk.toString())
      done()
    },
  })
  gw = await startTestGateway(
    {
      MQTT_MAX_PACKET_BYTES: '4096',
      INGEST_MAX_PAYLOAD_BYTES: '1024',
      MQTT_MAX_TOPIC_LENGTH: '64',
      MQTT_MAX_TOPIC_LEVELS: '5',
      MQTT_DUPLICATE_LOGIN: 'refuse',
      MQTT_CONNECTS_PER_MIN_PER_CLIENT: '3',
      MQTT_CONNECTS_PER_MIN_PER_ADDRESS: '40',
      MQTT_PUBLISHES_PER_SEC_PER_CLIENT: '5',
      MQTT_PUBLISHES_PER_SEC_PER_ADDRESS: '20',
      LOGIN_FAILURES_BEFORE_BACKOFF: '900',
      LOGIN_FAILURES_BEFORE_LOCKOUT: '1000',
    },
    { log: pino({ level: 'warn' }, sink) },
  )
})
afterEach(async () => {
  await Promise.all(open.map((c) => c.endAsync(true)))
  open = []
})
afterAll(async () => {
  await gw?.stop()
})

async function device(id: string, extra: Parameters<typeof connectClient>[3] = {}) {
  const c = await connectClient(gw.mqttUrl, id, SECRETS[id]!, extra)
  open.push(c)
  const inbox = new Inbox(c)
  await c.subscribeAsync(`fw/${BUILDING(id)}/${id}/error`)
  return { c, inbox, topic: (kind: string) => `fw/${BUILDING(id)}/${id}/${kind}` }
}

const limitHits = async (limit: string) =>
  metricValue(await apiClient(gw.httpUrl).text('/metrics'), `firewatch_limit_hits_total{limit="${limit}"}`)
const port = () => Number(new URL(gw.mqttUrl).port)

describe('MQTT limits', () => {
  it('When a packet announces more than MQTT_MAX_PACKET_BYTES, then the connection is closed before it is buffered, and counted', async () => {
    const { code, session } = await rawLogin(port(), {
      username: 'ta-12-smoke-02',
      password: 's3cret-ta-12b',
    })
    expect(code).toBe(0)
    // PUBLISH, remaining length 10,000,000 (varint 0x80 0xAD 0xE2 0x04), then a few bytes of it.
    session.socket.write(Buffer.from([0x30, 0x80, 0xad, 0xe2, 0x04, 0x00, 0x03, 0x61, 0x2f, 0x62]))
    await session.closed
    expect(await limitHits('mqtt_packet_size')).toBeGreaterThanOrEqual(1)
  })

  it('When a payload is larger than INGEST_MAX_PAYLOAD_BYTES but within the packet limit, then the device is told FGW_ERR_INGEST_TOO_LARGE', async () => {
    const d = await device('ta-12-smoke-01')
    await d.c.publishAsync(d.topic('telemetry'), 'x'.repeat(2000), { qos: 1 })
    const answer = await d.inbox.next(() => true)
    expect(answer.body.error).toBe('FGW_ERR_INGEST_TOO_LARGE')
    expect(d.c.connected).toBe(true)
  })

  it('When a topic is too long or a filter too deep, then the publish is answered FGW_ERR_LIMIT_TOPIC and the subscription refused', async () => {
    const d = await device('tb-03-smoke-01')
    await d.c.publishAsync(`${d.topic('telemetry')}/${'x'.repeat(80)}`, '{}', { qos: 1 })
    const answer = await d.inbox.next(() => true)
    expect(answer.body.error).toBe('FGW_ERR_LIMIT_TOPIC')
    expect(String(answer.body.topic).length).toBeLessThan(90)
    const watcher = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token')
    open.push(watcher)
    expect(await subscribeGranted(watcher, ['fw/a/b/c/d/e/f', 'fw/+/alerts'])).toEqual([128, 0])
    expect(await limitHits('mqtt_topic')).toBeGreaterThanOrEqual(2)
  })

  it('When a client id is longer than 256 characters, then CONNACK 2 (identifier rejected)', async () => {
    const { code, session } = await rawLogin(port(), {
      username: 'tb-01-pump-01',
      password: 's3cret-tb-01',
      clientId: 'c'.repeat(300),
    })
    session.socket.destroy()
    expect(code).toBe(2)
  })

  it('When a device logs in a second time under MQTT_DUPLICATE_LOGIN=refuse, then the second login gets CONNACK 3 and the first stays', async () => {
    const first = await device('ta-20-sprinkler-01', { clientId: 'sprinkler-a' })
    const second = await rawLogin(port(), {
      username: 'ta-20-sprinkler-01',
      password: 's3cret-ta-20',
      clientId: 'sprinkler-b',
    })
    expect(second.code).toBe(3)
    expect(first.c.connected).toBe(true)
    expect(await limitHits('mqtt_duplicate_login')).toBeGreaterThanOrEqual(1)
  })

  it('When one client connects more often than MQTT_CONNECTS_PER_MIN_PER_CLIENT, then CONNACK 3', async () => {
    for (let i = 0; i < 3; i++) {
      const c = await connectClient(gw.mqttUrl, 'ta-32-tank-01', 's3cret-ta-32')
      await c.endAsync(true)
    }
    const refused = await rawLogin(port(), { username: 'ta-32-tank-01', password: 's3cret-ta-32' })
    expect(refused.code).toBe(3)
    expect(await limitHits('mqtt_connect_rate_client')).toBeGreaterThanOrEqual(1)
  })

  it('When one address connects more often than MQTT_CONNECTS_PER_MIN_PER_ADDRESS, then CONNACK 3 for it and not for others', async () => {
    const codes: (number | string)[] = []
    for (let i = 0; i < 42; i++) {
      const { code, session } = await rawLogin(port(), { localAddress: '127.0.0.7', username: `nobody-${i}` })
      codes.push(code)
      session.socket.destroy()
    }
    expect(codes.slice(0, 40).every((c) => c === 5)).toBe(true)
    expect(codes.slice(40)).toEqual([3, 3])
    const elsewhere = await rawLogin(port(), { localAddress: '127.0.0.1', username: 'nobody-else' })
    elsewhere.session.socket.destroy()
    expect(elsewhere.code).toBe(5)
    expect(await limitHits('mqtt_connect_rate_address')).toBeGreaterThanOrEqual(2)
  })

  it('When a client publishes faster than MQTT_PUBLISHES_PER_SEC_PER_CLIENT, then it is slowed down, told FGW_ERR_LIMIT_PUBLISH_SLOWED, counted and logged once, and nothing is lost', async () => {
    const d = await device('ta-05-smoke-01')
    const accepted = async () =>
      metricValue(await apiClient(gw.httpUrl).text('/metrics'), 'firewatch_readings_accepted_total')
    const before = await accepted()
    // 5/s with a burst of 10: the last of 30 can only be taken 4 s after the first.
    const sends = Array.from({ length: 30 }, (_, i) =>
      d.c.publishAsync(d.topic('telemetry'), JSON.stringify({ seq: i, metrics: { smoke_dbm: 0.01 } }), {
        qos: 1,
      }),
    )
    await Promise.all(sends)
    expect(await accepted()).toBe(before + 30)
    const answer = await d.inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_PUBLISH_SLOWED')
    expect(answer.body.detail).toBe('too many publishes per second from this client: slowed down')
    expect(d.c.connected).toBe(true)
    expect(await limitHits('mqtt_publish_rate_client')).toBeGreaterThanOrEqual(15)
    const logged = logLines.filter(
      (l) => l.includes('"mqtt_publish_rate_client"') && l.includes('ta-05-smoke-01'),
    )
    expect(logged).toHaveLength(1)
  })

  it('When a client would have to wait more than 10 s for its turn, then the excess is dropped and it is told so', async () => {
    const d = await device('ta-12-smoke-02')
    // QoS 0: nothing waits for a PUBACK, so 80 publishes at 5/s book 14 s of turns at once.
    for (let i = 0; i < 80; i++) {
      d.c.publish(d.topic('telemetry'), JSON.stringify({ seq: i, metrics: { smoke_dbm: 0.01 } }), { qos: 0 })
    }
    const answer = await d.inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_PUBLISH_RATE', {
      timeoutMs: 15_000,
    })
    expect(answer.body.detail).toBe('too many publishes per second from this client: dropped')
    expect(d.c.connected).toBe(true)
  }, 30_000)

  it('When the clients of one address together publish faster than MQTT_PUBLISHES_PER_SEC_PER_ADDRESS, then the excess is slowed down for that address', async () => {
    const ids = [
      'ta-12-smoke-01',
      'ta-12-smoke-02',
      'ta-b1-elec-01',
      'tb-03-smoke-01',
      'tb-01-pump-01',
      'ta-20-sprinkler-01',
    ]
    const devices = await Promise.all(
      ids.map(async (id) => {
        const c = await clientFrom('127.0.0.8', port(), { username: id, password: SECRETS[id]! })
        open.push(c)
        const inbox = new Inbox(c)
        await c.subscribeAsync(`fw/${BUILDING(id)}/${id}/error`)
        return { id, c, inbox }
      }),
    )
    await Promise.all(
      devices.flatMap(({ id, c }) =>
        Array.from({ length: 9 }, () =>
          c.publishAsync(`fw/${BUILDING(id)}/${id}/telemetry`, '{"metrics":{"battery_pct":90}}', { qos: 1 }),
        ),
      ),
    )
    const answers = await Promise.race(
      devices.map(({ inbox }) => inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_PUBLISH_SLOWED')),
    )
    expect(answers.body.detail).toBe('too many publishes per second from this address: slowed down')
    expect(await limitHits('mqtt_publish_rate_address')).toBeGreaterThanOrEqual(1)
  })
})

describe('Duplicate login, default policy', () => {
  it('When a device logs in again with another client id, then the new connection takes over and the old one is closed', async () => {
    const defaults = await startTestGateway()
    try {
      const old = await connectClient(defaults.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12', { clientId: 'old' })
      const closed = new Promise<void>((resolve) => old.once('close', () => resolve()))
      const fresh = await connectClient(defaults.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12', {
        clientId: 'new',
      })
      await closed
      expect(fresh.connected).toBe(true)
      const metrics = await apiClient(defaults.httpUrl).text('/metrics')
      expect(metricValue(metrics, 'firewatch_limit_hits_total{limit="mqtt_duplicate_login"}')).toBe(1)
      await Promise.all([old.endAsync(true), fresh.endAsync(true)])
    } finally {
      await defaults.stop()
    }
  })
})
