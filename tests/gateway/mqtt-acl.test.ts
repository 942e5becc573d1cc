import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox, subscribeGranted } from '../support/mqtt-peers.ts'

let gw: GatewayUnderTest
const clients: MqttClient[] = []
const connect = async (user: string, pass: string) => {
  const c = await connectClient(gw.mqttUrl, user, pass)
  clients.push(c)
  return c
}

beforeAll(async () => {
  gw = await startTestGateway()
})
afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)))
  await gw.stop()
})

describe('MQTT authentication', () => {
  it('When a device logs in with its id and secret, then it is connected', async () => {
    const c = await connect('ta-12-smoke-01', 's3cret-ta-12')
    expect(c.connected).toBe(true)
  })

  it.each([
    ['a wrong password', 'ta-12-smoke-01', 'wrong-secret'],
    ['an unknown device', 'no-such-device', 's3cret-ta-12'],
    ['no password', 'ta-12-smoke-01', ''],
    ["a token's value under another name", 'mgr-a', 'brigade-token'],
  ])(
    'When a client logs in with %s, then CONNACK refuses it as not authorised',
    async (_what, user, pass) => {
      const err = await connectClient(gw.mqttUrl, user, pass).then(
        () => null,
        (e: Error & { code?: number }) => e,
      )
      expect(err?.code).toBe(5)
      const metrics = await apiClient(gw.httpUrl).text('/metrics')
      expect(metricValue(metrics, 'firewatch_mqtt_auth_failed_total')).toBeGreaterThan(0)
    },
  )

  it('When an API token logs in with its name and value, then it is connected', async () => {
    const c = await connect('brigade', 'brigade-token')
    expect(c.connected).toBe(true)
  })
})

describe('Topic ACL', () => {
  it("When a device publishes a fire alarm into another device's topic, then nothing is raised and it is told why", async () => {
    const intruder = await connect('ta-12-smoke-01', 's3cret-ta-12')
    const inbox = new Inbox(intruder)
    await intruder.subscribeAsync('fw/tower-a/ta-12-smoke-01/error')
    await intruder.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    const answer = await inbox.next((m) => m.body.error === 'FGW_ERR_TOPIC_FORBIDDEN')
    expect(answer.body.topic).toBe('fw/tower-b/tb-03-smoke-01/event')
    // A valid message afterwards still works: the connection stayed up.
    const telemetry = JSON.stringify({ metrics: { smoke_dbm: 0.01 } })
    await intruder.publishAsync('fw/tower-a/ta-12-smoke-01/telemetry', telemetry, { qos: 1 })
    expect(intruder.connected).toBe(true)
    const { body } = await apiClient(gw.httpUrl, 'brigade-token').get(
      '/api/v1/alerts?state=all&building=tower-b',
    )
    expect(body.alerts).toEqual([])
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_mqtt_acl_denied_total{action="publish"}')).toBeGreaterThanOrEqual(
      1,
    )
  })

  it("When a device subscribes to another device's error topic or to alerts, then it is refused (0x80) and stays connected", async () => {
    const c = await connect('ta-12-smoke-02', 's3cret-ta-12b')
    const granted = await subscribeGranted(c, [
      'fw/tower-a/ta-12-smoke-01/error',
      'fw/+/alerts',
      'fw/tower-a/ta-12-smoke-02/error',
    ])
    expect(granted).toEqual([128, 128, 0])
    expect(c.connected).toBe(true)
  })

  it('When a token publishes on a device topic, then the publish is dropped and raises nothing', async () => {
    const token = await connect('admin', 'admin-token')
    await token.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    expect(token.connected).toBe(true)
    await new Promise((r) => setTimeout(r, 200))
    const { body } = await apiClient(gw.httpUrl, 'brigade-token').get(
      '/api/v1/alerts?state=all&building=tower-b',
    )
    expect(body.alerts).toEqual([])
  })

  it("When a manager subscribes to fw/+/alerts, then only its own buildings' alerts arrive", async () => {
    const manager = await connect('mgr-b', 'manager-b-token')
    const brigade = await connect('brigade', 'brigade-token')
    const managerInbox = new Inbox(manager)
    const brigadeInbox = new Inbox(brigade)
    expect(
      await subscribeGranted(manager, ['fw/+/alerts', 'fw/tower-a/alerts', 'fw/tower-b/alerts']),
    ).toEqual([0, 128, 0])
    await brigade.subscribeAsync('fw/+/alerts')
    const a = await connect('ta-12-smoke-02', 's3cret-ta-12b')
    const b = await connect('tb-03-smoke-01', 's3cret-tb-03')
    await a.publishAsync('fw/tower-a/ta-12-smoke-02/event', JSON.stringify({ event: 'tamper' }), { qos: 1 })
    await b.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'tamper' }), { qos: 1 })
    await brigadeInbox.next((m) => m.body.device === 'ta-12-smoke-02')
    const mine = await managerInbox.next((m) => m.body.device === 'tb-03-smoke-01')
    expect(mine.body).toMatchObject({
      building: 'tower-b',
      class: 'fault',
      rule: 'device.tamper',
      state: 'open',
    })
    await new Promise((r) => setTimeout(r, 200))
    expect(managerInbox.messages.map((m) => m.topic)).not.toContain('fw/tower-a/alerts')
    await waitFor(() => brigadeInbox.messages.length >= 2)
  })

  it('When a brigade token subscribes to device telemetry, then it receives it; a manager may not', async () => {
    const brigade = await connect('brigade', 'brigade-token')
    const inbox = new Inbox(brigade)
    expect(await subscribeGranted(brigade, ['fw/+/+/telemetry'])).toEqual([0])
    const manager = await connect('mgr-a', 'manager-a-token')
    expect(await subscribeGranted(manager, ['fw/tower-a/+/telemetry'])).toEqual([128])
    const device = await connect('ta-32-tank-01', 's3cret-ta-32')
    await device.publishAsync(
      'fw/tower-a/ta-32-tank-01/telemetry',
      JSON.stringify({ metrics: { level_m: 3.3 } }),
      { qos: 1 },
    )
    const seen = await inbox.next((m) => m.topic === 'fw/tower-a/ta-32-tank-01/telemetry')
    expect(seen.body).toEqual({ metrics: { level_m: 3.3 } })
  })
})
