// The wall's building view with a fire panel link (GB/T 26875.3 UITD), in a real chromium.
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { REPORTS } from '../../simulators/uitd/uitd-reports.ts'
import { UitdSimulator } from '../../simulators/uitd/uitd-simulator.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, ROOT, startTestGateway } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'

let browser: TestBrowser
let gw: GatewayUnderTest & { gateway: { uitdPort: number | null } }
let page: Page
let sim: UitdSimulator

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway({
    FIREWATCH_SITE: join(ROOT, 'tests/fixtures/uitd-site.yaml'),
    UITD_ENABLED: 'on',
    UITD_PORT: '0',
    UITD_HOST: '127.0.0.1',
    UITD_TIME_SYNC: 'off',
  })
  sim = await UitdSimulator.connect({ host: '127.0.0.1', port: gw.gateway.uitdPort!, address: 889 })
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await sim?.close()
  await browser?.close()
  await gw?.stop()
})

it('When a building has a UITD, then its view shows the link connected with its unplaced parts, and the panel pump running in yellow', async () => {
  expect((await sim.send(REPORTS['pump-start'](sim.now()))).result).toBe('confirmed')
  expect((await sim.send(REPORTS['call-point-fire'](sim.now(), 30))).result).toBe('confirmed')
  await page.goto(gw.httpUrl)
  await page.fill('#token', 'brigade-token')
  await page.click('#sign-in button[type=submit]')
  await page.click('.tile[data-building="tower-a"]')
  const link = page.locator('.uitd[data-uitd="ta-uitd-01"]')
  await link.waitFor()
  expect(await link.getAttribute('class')).toContain('uitd-connected')
  const text = await link.textContent()
  expect(text).toContain('Fire panel link Fire control room, Tower A')
  expect(text).toContain('connected')
  expect(text).toContain('parts not in the site file: 1')
  await page.waitForSelector('.cell[data-device="ta-b1-pump-01"][data-status="yellow"]')
  await page.screenshot({ path: join(SCREENSHOTS, 'uitd-building-desktop.png') })
})
