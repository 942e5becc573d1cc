import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { openLive } from '../support/sse-client.ts'
import {
  CENTRE_WEBHOOK_SECRET,
  probeAlertsInStore,
  probeJobsInOutbox,
  writeSelfWatchSite,
} from './selfwatch-site.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

type Alert = { id: string; rule: string; building: string; class: string; state: string; message: string }

/** The gateway on a site paged by webhook, with the self-test on (its first run goes at start). */
async function selfTestingGateway(fireAlarmRule: 'on' | 'off') {
  const receiver: WebhookReceiver = await startWebhookReceiver({
    secret: CENTRE_WEBHOOK_SECRET,
    now: systemClock.now,
  })
  cleanups.push(() => receiver.close())
  const dir = tempDataDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const gw = await startTestGateway({
    FIREWATCH_SITE: writeSelfWatchSite(dir, receiver.url, fireAlarmRule),
    DATA_DIR: dir,
    SELF_TEST_INTERVAL_S: '3600',
  })
  cleanups.push(() => gw.stop())
  return { gw, receiver, admin: apiClient(gw.httpUrl, 'admin-token') }
}

const lastSelfTest = async (api: ReturnType<typeof apiClient>) =>
  (await api.get('/api/v1/self-test')).body.selfTest.last as {
    passed: boolean
    deviceToAlertMs: number | null
    failure: string | null
  } | null

describe('Self-test through the whole alarm path', () => {
  it('When the self-test runs, then its test fire alarm became a stored alert and was resolved, and no person sees or is paged for it', async () => {
    const { gw, receiver, admin } = await selfTestingGateway('on')
    const watcher = await connectClient(gw.mqttUrl, 'admin', 'admin-token')
    cleanups.push(() => watcher.endAsync(true))
    const feed = new Inbox(watcher)
    await watcher.subscribeAsync('fw/+/alerts')

    // The first self-test ran at start; an admin runs one more while the subscriber and the wall listen.
    await waitFor(() => lastSelfTest(admin), 15_000)
    const wall = await openLive(gw.httpUrl, 'admin-token')
    cleanups.push(() => wall.close())
    const asked = await admin.post('/api/v1/self-test')
    expect(asked.status).toBe(200)
    expect(asked.body.result).toMatchObject({ passed: true, failure: null })
    expect(typeof asked.body.result.deviceToAlertMs).toBe('number')
    // Both went through the real alert store, and the gateway resolved them.
    await waitFor(() => probeAlertsInStore(gw.dataDir).every((a) => a.state === 'resolved'))
    expect(probeAlertsInStore(gw.dataDir)).toEqual([
      { rule: 'device.fire_alarm', state: 'resolved' },
      { rule: 'device.fire_alarm', state: 'resolved' },
    ])
    expect(probeJobsInOutbox(gw.dataDir)).toBe(0)
    expect((await apiClient(gw.httpUrl, 'manager-a-token').post('/api/v1/self-test')).status).toBe(403)
    expect(Object.keys((await admin.get('/docs')).body.paths['/api/v1/self-test']).sort()).toEqual([
      'get',
      'post',
    ])

    // A real device's fire alarm afterwards is listed, published and paged: the views work.
    const smoke = await connectClient(gw.mqttUrl, 'ta-03-smoke-01', 's3cret-ta-03')
    cleanups.push(() => smoke.endAsync(true))
    await smoke.publishAsync('fw/tower-a/ta-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    await waitFor(() => receiver.deliveries.length >= 1)
    await feed.next((m) => m.topic === 'fw/tower-a/alerts')
    await wall.next((e) => JSON.stringify(e.data).includes('ta-03-smoke-01') && e.event.startsWith('alert'))
    expect(wall.events.filter((e) => JSON.stringify(e.data).includes('firewatch-self-test'))).toEqual([])

    const all = (await admin.get('/api/v1/alerts?state=all')).body.alerts as Alert[]
    expect(all.map((a) => a.building)).toEqual(['tower-a'])
    const incidents = (await admin.get('/api/v1/incidents?state=all')).body.incidents as Alert[]
    expect(incidents.map((i) => i.building)).toEqual(['tower-a'])
    expect(receiver.deliveries.map((d) => d.body.alert.building)).toEqual(['tower-a'])
    expect(feed.messages.every((m) => m.topic === 'fw/tower-a/alerts')).toBe(true)
    const buildings = (await admin.get('/api/v1/buildings')).body.buildings as { id: string }[]
    expect(buildings.map((b) => b.id)).toEqual(['tower-a', 'tower-b'])
    const metrics = await admin.text('/metrics')
    expect(metricValue(metrics, 'firewatch_self_test_runs_total{result="passed"}')).toBe(2)
    expect(metricValue(metrics, 'firewatch_self_test_runs_total{result="failed"}')).toBe(0)
  })

  it('When the site file silences every fire_alarm event, then the self-test fails and self_test.failed is paged and shown in every building', async () => {
    const { gw, receiver, admin } = await selfTestingGateway('off')
    const last = await waitFor(() => lastSelfTest(admin), 30_000, 200)
    expect(last).toMatchObject({ passed: false, deviceToAlertMs: null })
    expect(last.failure).toContain('no alert')

    const active = (await admin.get('/api/v1/alerts')).body.alerts as Alert[]
    const faults = active.filter((a) => a.rule === 'self_test.failed')
    expect(faults.map((a) => [a.building, a.class]).sort()).toEqual([
      ['tower-a', 'fault'],
      ['tower-b', 'fault'],
    ])
    expect(faults[0]!.message).toContain('Gateway self-test failed')
    // Paged to the monitoring centre, once per building.
    await waitFor(() => receiver.deliveries.length >= 2, 10_000)
    expect(receiver.deliveries.map((d) => d.body.alert.rule)).toEqual([
      'self_test.failed',
      'self_test.failed',
    ])
    // On the wall: each building counts the fault among its active alerts.
    const buildings = (await admin.get('/api/v1/buildings')).body.buildings as {
      id: string
      counts: { alerts: number }
    }[]
    for (const b of buildings) expect(b.counts.alerts, b.id).toBe(1)
    // A manager sees the one of their building.
    const manager = apiClient(gw.httpUrl, 'manager-a-token')
    const theirs = (await manager.get('/api/v1/alerts')).body.alerts as Alert[]
    expect(theirs.map((a) => [a.building, a.rule])).toEqual([['tower-a', 'self_test.failed']])
    const metrics = await admin.text('/metrics')
    expect(metricValue(metrics, 'firewatch_self_test_runs_total{result="failed"}')).toBe(1)
  }, 40_000)
})
