import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { SCREENSHOTS } from '../support/paths.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

it('When a device cell is clicked, then a detail opens with a sparkline of its readings and its alert history', async () => {
  // Twenty readings over the last four minutes (inside the gateway's clock-skew bound), smoke rising.
  const device = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
  const start = Date.now() - 240_000
  const smoke = Array.from({ length: 20 }, (_, i) => Number((0.02 + i * 0.005).toFixed(3)))
  for (const [i, value] of smoke.entries()) {
    const payload = { ts: start + i * 12_000, seq: i + 1, metrics: { smoke_dbm: value, battery_pct: 97 } }
    await device.publishAsync('fw/tower-a/ta-12-smoke-01/telemetry', JSON.stringify(payload), { qos: 1 })
  }
  await device.publishAsync(
    'fw/tower-a/ta-12-smoke-01/event',
    JSON.stringify({ event: 'fire_alarm', detail: 'smoke chamber alarm' }),
    { qos: 1 },
  )
  await device.endAsync()
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  // The readings store writes in batches: wait until the history answers all of them.
  await waitFor(async () => {
    const { body } = await brigade.get('/api/v1/devices/ta-12-smoke-01/readings?metric=smoke_dbm')
    return body.readings?.length === smoke.length
  }, 10_000)
  // The fire, not the offline alert that ta-05-smoke-01 (5 s heartbeat, never connected) raises.
  const fire = await waitFor(
    async () => (await brigade.get('/api/v1/alerts?building=tower-a&class=fire')).body.alerts[0],
  )
  expect((await brigade.post(`/api/v1/alerts/${fire.id}/ack`, { note: 'crew dispatched' })).status).toBe(200)

  await page.goto(gw.httpUrl)
  await page.fill('#token', 'brigade-token')
  await page.click('#sign-in button[type=submit]')
  await page.click('.tile[data-building="tower-a"]')
  await page.click('.cell[data-device="ta-12-smoke-01"]')
  await page.waitForSelector('dialog.device-detail[open][data-loaded="true"]')

  // One point per reading, oldest on the left; the highest reading at the top of the line.
  const points = await page.getAttribute('.metric-row[data-metric="smoke_dbm"] polyline', 'points')
  const xy = points!.split(' ').map((p) => p.split(',').map(Number) as [number, number])
  expect(xy).toHaveLength(smoke.length)
  expect(xy[0]).toEqual([0, 48])
  expect(xy.at(-1)).toEqual([240, 0])
  expect(xy.map(([x]) => x)).toEqual([...xy.map(([x]) => x)].sort((a, b) => a - b))
  expect(await page.textContent('.metric-row[data-metric="smoke_dbm"] .metric-name')).toBe(
    'smoke obscuration',
  )
  expect(await page.textContent('.metric-row[data-metric="smoke_dbm"] .metric-range')).toBe(
    'min 0.02 dB/m · max 0.115 dB/m · latest 0.115 dB/m',
  )
  // Measured values before housekeeping.
  const metrics = await page.$$eval('.metric-row', (els) => els.map((e) => (e as HTMLElement).dataset.metric))
  expect(metrics).toEqual(['smoke_dbm', 'battery_pct'])

  const history = await page.$$eval(`.device-detail [data-alert="${fire.id}"] .history li`, (els) =>
    els.map((e) => ({ action: (e as HTMLElement).dataset.action, text: e.textContent })),
  )
  expect(history.map((e) => e.action)).toEqual(['opened', 'acknowledged'])
  expect(history[1]!.text).toContain('by brigade')
  expect(history[1]!.text).toContain('crew dispatched')
  await page.screenshot({ path: join(SCREENSHOTS, 'device-detail.png') })

  await page.click('.device-detail .close')
  await page.waitForSelector('dialog.device-detail', { state: 'detached' })
})
