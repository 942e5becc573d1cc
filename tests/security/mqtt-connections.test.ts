import type { MqttClient } from 'mqtt'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { destroyAll, type IdleSocket, openMany } from '../support/idle-sockets.ts'
import { limitHits, metricFrom } from '../support/loopback-http.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { clientFrom, rawLogin } from '../support/raw-mqtt.ts'

// Caps set low, so that tens of sockets show what thousands would do to the defaults.
const ENV = {
  MQTT_MAX_CONNECTIONS: '24',
  MQTT_MAX_CONNECTIONS_PER_ADDRESS: '6',
  MQTT_MAX_PENDING_LOGINS: '10',
  MQTT_MAX_PENDING_LOGINS_PER_ADDRESS: '4',
  MQTT_CONNECT_TIMEOUT_MS: '3000',
  // The watchers below share the brigade's token: its own cap (tested apart) must not come first.
  MQTT_MAX_CONNECTIONS_PER_TOKEN: '100',
}
const CLOSED_WITHIN_MS = 15_000

let gw: GatewayUnderTest
let port: number
let sockets: IdleSocket[] = []
let clients: MqttClient[] = []

beforeAll(async () => {
  gw = await startTestGateway(ENV)
  port = Number(new URL(gw.mqttUrl).port)
})
afterEach(async () => {
  destroyAll(sockets)
  sockets = []
  await Promise.all(clients.map((c) => c.endAsync(true)))
  clients = []
})
afterAll(async () => {
  await gw?.stop()
})

const fireAlarm = JSON.stringify({ event: 'fire_alarm' })

async function fireAlertOf(device: string) {
  const api = apiClient(gw.httpUrl, 'brigade-token')
  return waitFor(async () => {
    const { body } = await api.get('/api/v1/alerts?class=fire')
    return (body.alerts as { device: string; state: string }[]).find((a) => a.device === device)
  })
}

/** A watcher logged in with the brigade's API token from `address` (up to MQTT_MAX_CONNECTIONS_PER_TOKEN times). */
async function watcherFrom(address: string, n: number): Promise<MqttClient> {
  const c = await clientFrom(address, port, {
    username: 'brigade',
    password: 'brigade-token',
    clientId: `watch-${address}-${n}`,
  })
  clients.push(c)
  return c
}

describe('MQTT connections', () => {
  it('When an address opens sockets that never send CONNECT, then beyond MQTT_MAX_PENDING_LOGINS_PER_ADDRESS they are closed at once and the others after MQTT_CONNECT_TIMEOUT_MS, while a device logs in and its fire alarm becomes an alert', async () => {
    sockets = await openMany(7, port, '127.0.0.51')
    const device = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    clients.push(device)
    await device.publishAsync('fw/tower-a/ta-12-smoke-01/event', fireAlarm, { qos: 1 })
    expect((await fireAlertOf('ta-12-smoke-01')).state).toBe('open')

    await waitFor(() => sockets.every((s) => s.isClosed()), CLOSED_WITHIN_MS, 100)
    // Closed at accept (counted as refused) or by the connect timeout: nothing else closed them.
    expect(await limitHits(gw.httpUrl, 'mqtt_pending_logins_address')).toBe(3)
    expect(await limitHits(gw.httpUrl, 'mqtt_connect_timeout')).toBe(4)
    expect(sockets.every((s) => s.received() === '')).toBe(true)
    // What closed has left the counts; the device logged in, so it is not pending any more.
    await waitFor(
      async () => (await metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="mqtt"}')) === 1,
    )
    expect(await metricFrom(gw.httpUrl, 'firewatch_mqtt_pending_logins')).toBe(0)
  }, 30_000)

  it('When several addresses hold silent sockets beyond MQTT_MAX_PENDING_LOGINS, then the longest waiting are closed to make room, a device that was logged in keeps its connection and raises an alert, and a new login gets through', async () => {
    const device = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
    clients.push(device)
    const silent: IdleSocket[] = []
    for (const address of ['127.0.0.52', '127.0.0.53', '127.0.0.54']) {
      silent.push(...(await openMany(4, port, address)))
    }
    sockets.push(...silent)
    // 12 silent sockets for 10 slots: the two that waited longest make room for the last two.
    await waitFor(() => silent.slice(0, 2).every((s) => s.isClosed()))
    expect(silent.slice(2).some((s) => s.isClosed())).toBe(false)
    expect(await limitHits(gw.httpUrl, 'mqtt_pending_logins_total')).toBe(2)
    // A device's login, answered within milliseconds, gets a slot the same way...
    const meanwhile = await connectClient(gw.mqttUrl, 'ta-b1-elec-01', 's3cret-ta-b1')
    clients.push(meanwhile)
    expect(meanwhile.connected).toBe(true)
    expect(await limitHits(gw.httpUrl, 'mqtt_pending_logins_total')).toBe(3)
    // ...and a device that logged in before is not affected at all.
    await device.publishAsync('fw/tower-b/tb-03-smoke-01/event', fireAlarm, { qos: 1 })
    expect((await fireAlertOf('tb-03-smoke-01')).state).toBe('open')
    await waitFor(() => silent.every((s) => s.isClosed()), CLOSED_WITHIN_MS, 100)
    expect(await metricFrom(gw.httpUrl, 'firewatch_mqtt_pending_logins')).toBe(0)
  }, 30_000)

  it('When one address holds MQTT_MAX_CONNECTIONS_PER_ADDRESS logged-in connections, then its next connection is closed at accept and others are served', async () => {
    for (let i = 0; i < 6; i++) await watcherFrom('127.0.0.61', i)
    const refused = await rawLogin(port, {
      localAddress: '127.0.0.61',
      username: 'brigade',
      password: 'brigade-token',
    })
    refused.session.socket.destroy()
    expect(refused.code).toBe('closed')
    expect(await limitHits(gw.httpUrl, 'mqtt_connections_address')).toBe(1)
    const elsewhere = await watcherFrom('127.0.0.62', 0)
    expect(elsewhere.connected).toBe(true)
  })

  it('When MQTT_MAX_CONNECTIONS connections are open, then the next one is closed at accept, and counted, until one closes', async () => {
    const held: MqttClient[] = []
    for (const address of ['127.0.0.63', '127.0.0.64', '127.0.0.65', '127.0.0.66']) {
      for (let i = 0; i < 6; i++) held.push(await watcherFrom(address, i))
    }
    expect(await metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="mqtt"}')).toBe(24)
    const refused = await rawLogin(port, { username: 'ta-32-tank-01', password: 's3cret-ta-32' })
    refused.session.socket.destroy()
    expect(refused.code).toBe('closed')
    expect(await limitHits(gw.httpUrl, 'mqtt_connections_total')).toBe(1)
    await held[0]!.endAsync(true)
    await waitFor(
      async () => (await metricFrom(gw.httpUrl, 'firewatch_connections_open{listener="mqtt"}')) < 24,
    )
    const device = await connectClient(gw.mqttUrl, 'ta-32-tank-01', 's3cret-ta-32')
    clients.push(device)
    expect(device.connected).toBe(true)
  })
})
