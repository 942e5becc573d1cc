import { rmSync } from 'node:fs'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

let browser: TestBrowser
let gw: GatewayUnderTest | null = null
const dataDir = tempDataDir()

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

it('When the gateway restarts, then the wall says it is not live, reconnects and shows a fire raised meanwhile', async () => {
  gw = await startTestGateway({ DATA_DIR: dataDir })
  const port = new URL(gw.httpUrl).port
  const page = await browser.context.newPage()
  await page.goto(gw.httpUrl)
  await page.fill('#token', 'brigade-token')
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')

  // A connected wall must not hold up shutdown: if its stream kept the server open, this would hang
  // until the test's timeout.
  await gw.stop()
  await page.waitForSelector('#connection.down')
  expect(await page.textContent('#connection')).toContain('NOT LIVE')

  gw = await startTestGateway({ DATA_DIR: dataDir, HTTP_PORT: port })
  // Raised as soon as the gateway is back, possibly before the wall has reconnected.
  const device = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
  await device.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
    qos: 1,
  })
  await device.endAsync()
  await page.waitForSelector('#connection.live', { timeout: 5000 })
  await page.waitForSelector('.tile[data-building="tower-b"][data-status="red"]', { timeout: 5000 })
  await page.waitForSelector('.fire-banner')
})
