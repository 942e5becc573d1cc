import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'

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

/** The back-off may have reached 8 s (x1.2) by the time the gateway is back; the wait allows twice that. */
const RECONNECT = { timeout: 25_000 }

async function lostBanner(page: Page): Promise<string> {
  await page.waitForSelector('#stale:not([hidden])')
  return (await page.textContent('#stale .stale-title')) ?? ''
}

it('When the gateway restarts, then the wall is marked stale, keeps its last state, retries by itself and comes back fresh', async () => {
  gw = await startTestGateway({ DATA_DIR: dataDir })
  const port = new URL(gw.httpUrl).port
  const page = await browser.context.newPage()
  await signInWall(page, gw.httpUrl)
  // tower-a is read once while connected: the page remembers it.
  await page.click('.tile[data-building="tower-a"]')
  await page.waitForSelector('.floors[data-loaded="fresh"] .cell')
  await page.click('.back')
  expect(await page.isHidden('#stale')).toBe(true)

  // A connected wall must not hold up shutdown: if its stream kept the server open, this would hang
  // until the test's timeout.
  await gw.stop()
  await page.waitForSelector('#connection.down')
  expect(await page.textContent('#connection')).toContain('NOT LIVE')
  // Unmissable: a banner with since when (site time, 23-hour clock), the page greyed out, the
  // tab's title; the last known tiles stay.
  expect(await lostBanner(page)).toMatch(/^CONNECTION LOST since ([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/)
  expect(await page.getAttribute('body', 'class')).toContain('stale')
  await page.waitForFunction(() => document.title.startsWith('CONNECTION LOST'))
  expect(await page.$$eval('.tile', (els) => els.length)).toBe(2)
  expect(await page.textContent('#stale .stale-retry')).toMatch(/^Retrying (in \d+ s|now…)$/)
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-connection-lost.png') })

  // A building read before: its last known floors, said to be so, and a retry that counts down.
  await page.click('.tile[data-building="tower-a"]')
  await page.waitForSelector('.floors[data-loaded="remembered"] .cell[data-device="ta-12-smoke-01"]')
  await page.waitForSelector('.building-head .load-note[data-failed]')
  expect(await page.textContent('.building-head .load-note')).toMatch(
    /could not be loaded \(the gateway cannot be reached\)\. Retrying in \d+ s\./,
  )
  // A building never read: not a blank page, but its name and status from the wall, and a retry.
  await page.click('.back')
  await page.click('.tile[data-building="tower-b"]')
  expect(await page.textContent('.building-head h2')).toMatch(/^Tower B — /)
  await page.waitForSelector('.building-head .load-note[data-failed]')
  await page.screenshot({ path: join(SCREENSHOTS, 'building-connection-lost.png') })

  gw = await startTestGateway({ DATA_DIR: dataDir, HTTP_PORT: port })
  // Raised as soon as the gateway is back, possibly before the wall has reconnected.
  await publishAs(
    gw.mqttUrl,
    { id: 'tb-03-smoke-01', building: 'tower-b', secret: 's3cret-tb-03' },
    'event',
    { event: 'fire_alarm' },
  )
  // Nobody touches the page: it reconnects, the banner goes, and the open building loads.
  await page.waitForSelector('#connection.live', RECONNECT)
  await page.waitForSelector('#stale', { state: 'hidden' })
  expect(await page.getAttribute('body', 'class')).not.toContain('stale')
  await page.waitForSelector(
    '.floors[data-loaded="fresh"] .cell[data-device="tb-03-smoke-01"][data-status="red"]',
  )
  expect(await page.isHidden('.building-head .load-note[data-failed]')).toBe(true)
  await page.waitForSelector('.fire-banner')
  await page.click('.back')
  await page.waitForSelector('.tile[data-building="tower-b"][data-status="red"]')
}, 90_000)
