import type { MqttClient } from 'mqtt'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let proxy: TcpProxy
let page: Page
let watcher: MqttClient

interface LoggedEvent {
  id: string
  alert: string
  action: string
}

/** The wall's event log, oldest first. */
function eventLog(p: Page): Promise<LoggedEvent[]> {
  return p.$$eval('#event-list .event:not(.resync)', (els) =>
    els
      .map((e) => {
        const d = (e as HTMLElement).dataset
        return { id: d.eventId ?? '', alert: d.alert ?? '', action: d.action ?? '' }
      })
      .reverse(),
  )
}

async function publishEvent(device: string, building: string, secret: string, event: string) {
  const client = await connectClient(gw.mqttUrl, device, secret)
  await client.publishAsync(`fw/${building}/${device}/event`, JSON.stringify({ event }), { qos: 1 })
  await client.endAsync()
}

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway()
  proxy = await startTcpProxy(Number(new URL(gw.httpUrl).port))
  // An outside subscriber sees every transition as it happens: what the wall must end up showing.
  watcher = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token')
  await watcher.subscribeAsync('fw/+/alerts', { qos: 1 })
  page = await browser.context.newPage()
})

afterAll(async () => {
  await watcher?.endAsync()
  await browser?.close()
  await proxy?.close()
  await gw?.stop()
})

it('When the stream drops while alerts change, then after resuming the wall shows every transition, in order, with no gap', async () => {
  const inbox = new Inbox(watcher)
  const liveRequests: (string | undefined)[] = []
  page.on('request', (r) => {
    if (r.url().endsWith('/api/v1/live')) liveRequests.push(r.headers()['last-event-id'])
  })
  // ta-05-smoke-01 (5 s heartbeat, never connected) goes offline a few seconds after start: let
  // that happen first, so that every later transition is one this test makes.
  await inbox.next((m) => m.body.device === 'ta-05-smoke-01', { timeoutMs: 15_000 })
  await page.goto(proxy.url)
  await page.fill('#token', 'brigade-token')
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')

  // tower-b's pump reports, so that tower-b can be green (not unknown) once its fire is resolved.
  const pump = await connectClient(gw.mqttUrl, 'tb-01-pump-01', 's3cret-tb-01')
  await pump.publishAsync(
    'fw/tower-b/tb-01-pump-01/telemetry',
    JSON.stringify({ metrics: { pressure_mpa: 0.3 } }),
    {
      qos: 1,
    },
  )
  await pump.endAsync()
  // One transition while connected: the wall's last event id comes from it.
  await publishEvent('tb-03-smoke-01', 'tower-b', 's3cret-tb-03', 'fire_alarm')
  await inbox.next((m) => m.body.device === 'tb-03-smoke-01')
  await page.waitForSelector('#event-list .event[data-action="opened"]')
  const [first, ...others] = await eventLog(page)
  expect(others).toEqual([])

  await proxy.cut()
  await page.waitForSelector('#connection.down')

  // While the wall is cut off: a second fire, its acknowledgement, a fault that opens and clears,
  // and the first fire resolved.
  const seen = inbox.mark()
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  await publishEvent('ta-12-smoke-01', 'tower-a', 's3cret-ta-12', 'fire_alarm')
  const fire = await inbox.next((m) => m.body.device === 'ta-12-smoke-01', { after: seen })
  expect((await brigade.post(`/api/v1/alerts/${fire.body.id}/ack`, { note: 'crew sent' })).status).toBe(200)
  await publishEvent('ta-12-smoke-02', 'tower-a', 's3cret-ta-12b', 'fault')
  await publishEvent('ta-12-smoke-02', 'tower-a', 's3cret-ta-12b', 'fault_cleared')
  await inbox.next((m) => m.body.device === 'ta-12-smoke-02' && m.body.state === 'resolved', { after: seen })
  expect((await brigade.post(`/api/v1/alerts/${first!.alert}/resolve`)).status).toBe(200)
  await inbox.next((m) => m.body.id === first!.alert && m.body.state === 'resolved', { after: seen })
  const missed = inbox.messages.slice(seen).map((m) => ({ alert: m.body.id, action: m.body.transition }))
  expect(missed.map((m) => m.action)).toEqual(['opened', 'acknowledged', 'opened', 'cleared', 'resolved'])
  expect(await page.textContent('#connection')).toContain('NOT LIVE')

  await proxy.restore()
  // The wall's back-off may have reached 8 s (x1.2) while the proxy was cut.
  await page.waitForSelector('#connection.live', { timeout: 25_000 })
  const log = await waitFor(async () => {
    const entries = await eventLog(page)
    return entries.length === 1 + missed.length ? entries : null
  })

  // Resumed from the last event id, not reloaded from a snapshot: every transition, in order. The
  // last id the wall saw may be the incident event that followed its alert event.
  const resumedFrom = Number(liveRequests.at(-1))
  expect(resumedFrom).toBeGreaterThanOrEqual(Number(first!.id))
  expect(await page.$$('#event-list .event.resync')).toHaveLength(0)
  expect(log.slice(1).map(({ alert, action }) => ({ alert, action }))).toEqual(missed)
  // Alert events in order; incident events are numbered in between, so the ids increase with gaps.
  const ids = log.map((e) => Number(e.id))
  expect(ids).toEqual([...ids].sort((a, b) => a - b))
  expect(new Set(ids).size).toBe(ids.length)
  // And the state they lead to: tower-a red with its acknowledged fire, nothing pinned.
  await page.waitForSelector('.tile[data-building="tower-a"][data-status="red"]')
  await page.waitForSelector('.tile[data-building="tower-b"][data-status="green"]')
  expect(await page.$$('.fire-banner')).toHaveLength(0)
}, 60_000)
