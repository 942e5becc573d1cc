import type { MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ManualClock } from '../../simulators/runner/manual-clock.ts'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox, subscribeGranted } from '../support/mqtt-peers.ts'

let gw: GatewayUnderTest
let open: MqttClient[] = []

beforeAll(async () => {
  // Time stands still: no budget refills while a test runs, so the counts are exact.
  gw = await startTestGateway(
    {
      MQTT_EVENTS_PER_MIN_PER_DEVICE: '20',
      MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE: '3',
      MQTT_STATUS_PER_MIN_PER_DEVICE: '5',
      MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: '10',
    },
    { clock: new ManualClock(Date.parse('2026-03-02T10:00:00Z')) },
  )
})
afterEach(async () => {
  await Promise.all(open.map((c) => c.endAsync(true)))
  open = []
})
afterAll(async () => {
  await gw?.stop()
})

const metrics = async () => apiClient(gw.httpUrl).text('/metrics')
const limitHits = async (limit: string) =>
  metricValue(await metrics(), `firewatch_limit_hits_total{limit="${limit}"}`)
const accepted = async () => metricValue(await metrics(), 'firewatch_readings_accepted_total')

async function device(id: string, secret: string, building: string) {
  const c = await connectClient(gw.mqttUrl, id, secret)
  open.push(c)
  const inbox = new Inbox(c)
  await c.subscribeAsync(`fw/${building}/${id}/error`)
  const send = (kind: string, body: string) =>
    c.publishAsync(`fw/${building}/${id}/${kind}`, body, { qos: 1 })
  return { c, inbox, send }
}

const alertsOf = async (deviceId: string, cls: string) => {
  const { body } = await apiClient(gw.httpUrl, 'brigade-token').get(`/api/v1/alerts?state=all&class=${cls}`)
  return (body.alerts as { device: string; state: string }[]).filter((a) => a.device === deviceId)
}

describe('Device events and status have budgets', () => {
  it('When a device floods fault/fault_cleared, then only MQTT_EVENTS_PER_MIN_PER_DEVICE go in, the rest are answered FGW_ERR_LIMIT_EVENT_RATE and counted, and its first fire_alarm still raises a fire alert', async () => {
    const d = await device('tb-03-smoke-01', 's3cret-tb-03', 'tower-b')
    const before = await accepted()
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        d.send('event', JSON.stringify({ event: i % 2 ? 'fault_cleared' : 'fault' })),
      ),
    )
    expect((await accepted()) - before).toBe(20)
    expect(await limitHits('mqtt_event_rate')).toBe(180)
    const answer = await d.inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_EVENT_RATE')
    expect(answer.body.detail).toBe('more than 20 events a minute: dropped')

    await d.send('event', JSON.stringify({ event: 'fire_alarm' }))
    const fire = await waitFor(async () => (await alertsOf('tb-03-smoke-01', 'fire'))[0])
    expect(fire.state).toBe('open')
    expect(d.c.connected).toBe(true)
  })

  it('When a device repeats fire_alarm in a flood, then repeats beyond MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE are dropped, counted and answered; one fire alert is open', async () => {
    const d = await device('ta-12-smoke-02', 's3cret-ta-12b', 'tower-a')
    const before = await accepted()
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        d.send('event', JSON.stringify({ event: 'fire_alarm', detail: `${i}` })),
      ),
    )
    expect((await accepted()) - before).toBe(3)
    expect(await limitHits('mqtt_fire_alarm_repeat')).toBe(47)
    const answer = await d.inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_FIRE_ALARM_REPEAT')
    expect(answer.body.detail).toBe('more than 3 fire_alarm a minute: this repeat is dropped')
    const fires = await waitFor(async () => alertsOf('ta-12-smoke-02', 'fire'))
    expect(fires.map((a) => a.state)).toEqual(['open'])
  })

  it('When a device floods status messages, then only MQTT_STATUS_PER_MIN_PER_DEVICE go in and the rest are answered FGW_ERR_LIMIT_STATUS_RATE', async () => {
    const d = await device('ta-20-sprinkler-01', 's3cret-ta-20', 'tower-a')
    const before = await accepted()
    await Promise.all(Array.from({ length: 40 }, (_, i) => d.send('status', i % 2 ? 'offline' : 'online')))
    expect((await accepted()) - before).toBe(5)
    expect(await limitHits('mqtt_status_rate')).toBe(35)
    const answer = await d.inbox.next((m) => m.body.error === 'FGW_ERR_LIMIT_STATUS_RATE')
    expect(answer.body.detail).toBe('more than 5 status messages a minute: dropped')
  })
})

describe('A Last Will and the status budget', () => {
  it('When a device that spent its status budget loses its connection, then its Last Will still goes in', async () => {
    const will = {
      topic: 'fw/tower-a/ta-32-tank-01/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
    }
    const c = await connectClient(gw.mqttUrl, 'ta-32-tank-01', 's3cret-ta-32', { will })
    open.push(c)
    await Promise.all(
      Array.from({ length: 6 }, () =>
        c.publishAsync('fw/tower-a/ta-32-tank-01/status', 'online', { qos: 1 }),
      ),
    )
    const refusedBefore = await limitHits('mqtt_status_rate')
    const before = await accepted()
    c.stream.destroy()
    await waitFor(async () => (await accepted()) === before + 1)
    expect(await limitHits('mqtt_status_rate')).toBe(refusedBefore)
  })
})

describe('Subscriptions per connection', () => {
  it('When a connection subscribes to more filters than MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT, then the extra ones get SUBACK 0x80 and are counted; an unsubscribe makes room', async () => {
    const watcher = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token')
    open.push(watcher)
    const filters = Array.from({ length: 12 }, (_, i) => `fw/tower-a/device-${i}/telemetry`)
    const granted = await subscribeGranted(watcher, filters)
    expect(granted).toEqual([...Array(10).fill(0), 128, 128])
    expect(await limitHits('mqtt_subscriptions')).toBe(2)
    // A filter it holds already costs nothing; a new one only after an unsubscribe.
    expect(await subscribeGranted(watcher, [filters[0]!])).toEqual([0])
    await watcher.unsubscribeAsync(filters[0]!)
    expect(await subscribeGranted(watcher, [filters[11]!])).toEqual([0])
    expect(watcher.connected).toBe(true)
  })
})
