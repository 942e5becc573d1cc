import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ManualClock } from '../../simulators/runner/manual-clock.ts'
import { waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import {
  countOrClosed,
  memoryAfterGc,
  metric,
  parkSession,
  publishQos2,
  rawConnect,
  resumeSession,
} from './mqtt-session-peers.ts'

const LIMITS = {
  MQTT_MAX_INFLIGHT_INBOUND: '20',
  MQTT_MAX_PERSISTENT_SESSIONS: '6',
  MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN: '3',
  MQTT_SESSION_MAX_QUEUED: '4',
  MQTT_SESSION_EXPIRY_SEC: '3600',
  MQTT_SESSION_QUEUE_MAX_AGE_SEC: '600',
}
const DEVICES: Record<string, { secret: string; building: string }> = {
  'ta-12-smoke-01': { secret: 's3cret-ta-12', building: 'tower-a' },
  'ta-12-smoke-02': { secret: 's3cret-ta-12b', building: 'tower-a' },
  'ta-b1-elec-01': { secret: 's3cret-ta-b1', building: 'tower-a' },
  'ta-32-tank-01': { secret: 's3cret-ta-32', building: 'tower-a' },
  'tb-03-smoke-01': { secret: 's3cret-tb-03', building: 'tower-b' },
}
const BRIGADE = { username: 'brigade', password: 'brigade-token' }

let gw: GatewayUnderTest
/** Virtual time, so that sessions and queued messages can be aged without waiting. */
let clock: ManualClock
let open: MqttClient[] = []

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-03-02T10:00:00Z'))
  gw = await startTestGateway(LIMITS, { clock })
})
afterEach(async () => {
  await Promise.all(open.map((c) => c.endAsync(true)))
  open = []
  await gw?.stop()
})

const port = () => Number(new URL(gw.mqttUrl).port)
const gauge = (sample: string) => metric(gw.httpUrl, sample)
const limitHits = (limit: string) => gauge(`firewatch_limit_hits_total{limit="${limit}"}`)
const queued = () => gauge('firewatch_mqtt_session_queued_messages')

/** Device events a brigade session can follow; alerts would also bring offline alerts as time moves. */
async function deviceEvents(deviceId: string, details: string[]): Promise<void> {
  const { secret, building } = DEVICES[deviceId]!
  const device = await connectClient(gw.mqttUrl, deviceId, secret)
  open.push(device)
  for (const detail of details) {
    await device.publishAsync(`fw/${building}/${deviceId}/event`, JSON.stringify({ event: 'test', detail }), {
      qos: 1,
    })
  }
}

const eventsOf = (deviceId: string) => `fw/${DEVICES[deviceId]!.building}/${deviceId}/event`
const details = (received: { body: unknown }[]) => received.map((m) => (m.body as { detail: string }).detail)

describe('QoS 2 publishes without PUBREL', () => {
  it('When a client sends one QoS 2 publish more than MQTT_MAX_INFLIGHT_INBOUND without PUBREL, then its connection is closed and counted, and the ids stay bounded after it left', async () => {
    const { raw, code } = await rawConnect(port(), {
      username: 'ta-12-smoke-01',
      password: 's3cret-ta-12',
      clientId: 'ta-12-smoke-01:qos2',
      clean: false,
    })
    expect(code).toBe(0)
    const payload = Buffer.from(JSON.stringify({ metrics: { smoke_dbm: 0.01 }, pad: 'x'.repeat(4000) }))
    // Half on its own topic, half refused by the ACL: neither may stay in memory with its payload.
    for (let id = 1; id <= 20; id++) {
      const topic = id % 2 ? 'fw/tower-a/ta-12-smoke-01/telemetry' : 'fw/tower-b/tb-03-smoke-01/event'
      publishQos2(raw, id, topic, payload)
    }
    expect(await countOrClosed(raw, 'pubrec', 20)).toEqual({ seen: 20, closed: false })
    publishQos2(raw, 21, 'fw/tower-a/ta-12-smoke-01/telemetry', payload)
    expect(await countOrClosed(raw, 'pubrec', 21)).toEqual({ seen: 20, closed: true })
    expect(await limitHits('mqtt_inflight_inbound')).toBe(1)
    // The persistent session keeps the 20 ids (for the client's resend), and nothing more.
    expect(await gauge('firewatch_mqtt_inbound_awaiting_pubrel')).toBe(20)
  })

  it('When several persistent sessions leave 32 KB QoS 2 publishes without PUBREL behind, then their payloads are not kept', async () => {
    const payload = Buffer.alloc(32 * 1024, 0x61)
    const logins = ['ta-12-smoke-02', 'ta-b1-elec-01', 'ta-32-tank-01', 'tb-03-smoke-01']
    const before = memoryAfterGc()
    for (const id of logins) {
      for (const suffix of ['a', 'b']) {
        const { raw, code } = await rawConnect(port(), {
          username: id,
          password: DEVICES[id]!.secret,
          clientId: `${id}:${suffix}`,
          clean: false,
        })
        expect(code).toBe(0)
        for (let m = 1; m <= 20; m++)
          publishQos2(raw, m, `fw/${DEVICES[id]!.building}/${id}/telemetry`, payload)
        expect((await countOrClosed(raw, 'pubrec', 20)).seen).toBe(20)
        raw.socket.destroy()
        await raw.closed
      }
    }
    await waitFor(async () => (await gauge('firewatch_mqtt_connections')) === 0)
    const grown = memoryAfterGc() - before
    // 8 sessions × 20 × 32 KB = 5 MB if the payloads were kept.
    expect(grown).toBeLessThan(1.5 * 1024 * 1024)
  })
})

describe('Persistent sessions are bounded', () => {
  it('When one login parks more sessions than MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN, then its oldest are ended, and the gateway never keeps more than MQTT_MAX_PERSISTENT_SESSIONS', async () => {
    const follow = eventsOf('ta-b1-elec-01')
    for (let i = 1; i <= 4; i++)
      await parkSession(gw.mqttUrl, { ...BRIGADE, clientId: `brigade:cap-${i}` }, follow)
    const first = await resumeSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:cap-1' })
    open.push(first.client)
    expect(first.sessionPresent).toBe(false)
    const last = await resumeSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:cap-4' })
    open.push(last.client)
    expect(last.sessionPresent).toBe(true)

    const others = [
      ['mgr-a', 'manager-a-token', 'fw/+/alerts'],
      ['mgr-b', 'manager-b-token', 'fw/+/alerts'],
      ['admin', 'admin-token', follow],
    ] as const
    for (const [username, password, filter] of others) {
      for (let i = 1; i <= 3; i++) {
        await parkSession(gw.mqttUrl, { username, password, clientId: `${username}:cap-${i}` }, filter)
      }
    }
    const connected = await gauge('firewatch_mqtt_persistent_sessions{state="connected"}')
    const parked = await gauge('firewatch_mqtt_persistent_sessions{state="parked"}')
    expect(connected).toBe(2)
    expect(connected + parked).toBe(6)
    expect(await limitHits('mqtt_session_evicted')).toBe(8)
  })

  it('When more messages arrive for a parked session than MQTT_SESSION_MAX_QUEUED, then only the newest are kept and delivered', async () => {
    const session = { ...BRIGADE, clientId: 'brigade:queue' }
    await parkSession(gw.mqttUrl, session, eventsOf('ta-b1-elec-01'))
    await deviceEvents('ta-b1-elec-01', ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'])
    const held = await queued().catch((err: Error) => err.message)

    const back = await resumeSession(gw.mqttUrl, session)
    open.push(back.client)
    expect(back.sessionPresent).toBe(true)
    await waitFor(() => back.received.length >= 4)
    await new Promise((r) => setTimeout(r, 200))
    expect(details(back.received)).toEqual(['7', '8', '9', '10'])
    expect(held).toBe(4)
    expect(await limitHits('mqtt_session_queue')).toBe(6)
  })

  it('When queued messages are older than MQTT_SESSION_QUEUE_MAX_AGE_SEC, or a parked session older than MQTT_SESSION_EXPIRY_SEC, then they are gone', async () => {
    const follow = eventsOf('ta-32-tank-01')
    await parkSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:aged' }, follow)
    await parkSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:expiring' }, follow)
    await deviceEvents('ta-32-tank-01', ['old-1', 'old-2'])

    clock.advanceTo(clock.now() + 601_000)
    const aged = await resumeSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:aged' })
    open.push(aged.client)
    expect(aged.sessionPresent).toBe(true)

    clock.advanceTo(clock.now() + 3_600_000)
    const expired = await resumeSession(gw.mqttUrl, { ...BRIGADE, clientId: 'brigade:expiring' })
    open.push(expired.client)
    expect(expired.sessionPresent).toBe(false)
    // What the device sends now is all the kept session gets; the expired one kept no subscription.
    await deviceEvents('ta-32-tank-01', ['new-1', 'new-2'])
    await waitFor(() => aged.received.length >= 2)
    expect(details(aged.received)).toEqual(['new-1', 'new-2'])
    expect(expired.received).toEqual([])
    expect(await limitHits('mqtt_session_expired')).toBe(1)
    // The kept session's two, and the expired one's if the sweep came before its expiry did.
    expect(await limitHits('mqtt_session_queue')).toBeGreaterThanOrEqual(2)
    expect(await queued()).toBe(0)
  })
})

describe("Another login's parked session", () => {
  it("When a device logs in with the client id of a manager's parked session, then CONNACK 2 and it gets none of its alerts; the manager's queue holds only its own building's alerts", async () => {
    const session = { username: 'mgr-b', password: 'manager-b-token', clientId: 'night-desk' }
    await parkSession(gw.mqttUrl, session, 'fw/+/alerts')
    const watcher = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token')
    open.push(watcher)
    const seen = new Inbox(watcher)
    await watcher.subscribeAsync('fw/+/alerts', { qos: 1 })
    for (const id of ['tb-03-smoke-01', 'ta-12-smoke-02']) {
      const { secret, building } = DEVICES[id]!
      const device = await connectClient(gw.mqttUrl, id, secret)
      open.push(device)
      await device.publishAsync(`fw/${building}/${id}/event`, JSON.stringify({ event: 'tamper' }), { qos: 1 })
    }
    await waitFor(() => seen.messages.length >= 2)

    const intruder = await rawConnect(port(), {
      username: 'ta-12-smoke-01',
      password: 's3cret-ta-12',
      clientId: 'night-desk',
      clean: false,
    })
    await new Promise((r) => setTimeout(r, 200))
    const delivered = intruder.raw.packets.filter((p) => p.cmd === 'publish')
    intruder.raw.socket.destroy()
    expect(intruder.code).toBe(2)
    expect(delivered).toEqual([])
    // Only the tower-b alert was queued for the tower-b manager's session.
    expect(await queued()).toBe(1)

    const back = await resumeSession(gw.mqttUrl, session)
    open.push(back.client)
    await waitFor(() => back.received.length >= 1)
    expect(back.sessionPresent).toBe(true)
    expect(back.received.map((m) => m.topic)).toEqual(['fw/tower-b/alerts'])
  })
})
