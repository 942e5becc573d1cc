import { Writable } from 'node:stream'
import type { MqttClient } from 'mqtt'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, metricValue } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import { rawLogin } from '../support/raw-mqtt.ts'

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
  // The default duplicate-login policy (takeover): the one a same-id takeover would go through.
  gw = await startTestGateway({}, { log: pino({ level: 'warn' }, sink) })
})
afterEach(async () => {
  await Promise.all(open.map((c) => c.endAsync(true)))
  open = []
})
afterAll(async () => {
  await gw?.stop()
})

const port = () => Number(new URL(gw.mqttUrl).port)
const limitHits = async (limit: string) =>
  metricValue(await apiClient(gw.httpUrl).text('/metrics'), `firewatch_limit_hits_total{limit="${limit}"}`)

async function connect(user: string, pass: string, extra: Parameters<typeof connectClient>[3] = {}) {
  const c = await connectClient(gw.mqttUrl, user, pass, extra)
  open.push(c)
  return c
}

describe('Client ids belong to one login', () => {
  it("When a manager of another building logs in with a device's client id, then CONNACK 2, the device stays connected, its Last Will is not published, and the attempt is counted and logged", async () => {
    const watcher = await connect('brigade', 'brigade-token')
    const statuses = new Inbox(watcher)
    await watcher.subscribeAsync('fw/tower-b/tb-03-smoke-01/status', { qos: 1 })
    const will = {
      topic: 'fw/tower-b/tb-03-smoke-01/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
    }
    const victim = await connect('tb-03-smoke-01', 's3cret-tb-03', { clientId: 'tb-03-smoke-01', will })

    const attack = await rawLogin(port(), {
      username: 'mgr-a',
      password: 'manager-a-token',
      clientId: 'tb-03-smoke-01',
    })
    attack.session.socket.destroy()

    expect(attack.code).toBe(2)
    // The device still publishes on the same connection, and the first thing the watcher sees of
    // it is that message: no "offline" Last Will came before it.
    await victim.publishAsync('fw/tower-b/tb-03-smoke-01/status', 'online', { qos: 1 })
    const first = await statuses.next(() => true)
    expect(first.body).toEqual({ raw: 'online' })
    expect(victim.connected).toBe(true)
    expect(await limitHits('mqtt_client_id_namespace')).toBeGreaterThanOrEqual(1)
    expect(logLines.some((l) => l.includes('"mqtt_client_id_namespace"') && l.includes('mgr-a'))).toBe(true)
  })

  it("When a login uses a client id in another login's namespace (`<device>:<suffix>`), then CONNACK 2 even while nobody uses it; the owner may use it", async () => {
    const token = await rawLogin(port(), {
      username: 'admin',
      password: 'admin-token',
      clientId: 'ta-32-tank-01:backup',
    })
    token.session.socket.destroy()
    const otherDevice = await rawLogin(port(), {
      username: 'ta-b1-elec-01',
      password: 's3cret-ta-b1',
      clientId: 'brigade:desk',
    })
    otherDevice.session.socket.destroy()

    expect(token.code).toBe(2)
    expect(otherDevice.code).toBe(2)
    const owner = await connect('ta-32-tank-01', 's3cret-ta-32', { clientId: 'ta-32-tank-01:backup' })
    expect(owner.connected).toBe(true)
    const ownToken = await connect('brigade', 'brigade-token', { clientId: 'brigade:desk' })
    expect(ownToken.connected).toBe(true)
  })

  it('When another login takes a free-form client id that is in use, then CONNACK 2; the login using it still takes its own connection over', async () => {
    const first = await connect('ta-12-smoke-01', 's3cret-ta-12', { clientId: 'lobby-panel' })
    const intruder = await rawLogin(port(), {
      username: 'mgr-b',
      password: 'manager-b-token',
      clientId: 'lobby-panel',
    })
    intruder.session.socket.destroy()
    expect(intruder.code).toBe(2)
    expect(first.connected).toBe(true)
    expect(await limitHits('mqtt_client_id_taken')).toBeGreaterThanOrEqual(1)

    const closed = new Promise<void>((resolve) => first.once('close', () => resolve()))
    const again = await connect('ta-12-smoke-01', 's3cret-ta-12', { clientId: 'lobby-panel' })
    await closed
    expect(again.connected).toBe(true)
  })

  it('When a device reconnects with the client id of its live connection, then the new one takes over and the old Last Will is ignored', async () => {
    const watcher = await connect('brigade', 'brigade-token')
    const statuses = new Inbox(watcher)
    await watcher.subscribeAsync('fw/tower-a/ta-b1-elec-01/status', { qos: 1 })
    const will = {
      topic: 'fw/tower-a/ta-b1-elec-01/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
    }
    const options = { clientId: 'ta-b1-elec-01', will }
    const old = await connect('ta-b1-elec-01', 's3cret-ta-b1', options)
    const closed = new Promise<void>((resolve) => old.once('close', () => resolve()))
    const fresh = await connect('ta-b1-elec-01', 's3cret-ta-b1', options)
    await closed
    await fresh.publishAsync('fw/tower-a/ta-b1-elec-01/status', 'online', { qos: 1 })
    const first = await statuses.next(() => true)
    expect(first.body).toEqual({ raw: 'online' })
  })

  it('When a free-form client id is no longer used by anybody, then another login may use it', async () => {
    const before = await connect('ta-20-sprinkler-01', 's3cret-ta-20', { clientId: 'roaming-id' })
    await before.endAsync()
    const after = await connect('mgr-a', 'manager-a-token', { clientId: 'roaming-id' })
    expect(after.connected).toBe(true)
  })
})
