import { rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { publishAs, QUIET, signInWall, writeQuietSite } from '../support/wall-page.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page
const siteDir = tempDataDir()

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway({ FIREWATCH_SITE: writeQuietSite(siteDir) })
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  rmSync(siteDir, { recursive: true, force: true })
})

const tiles = (p: Page) =>
  p.$$eval('.tile', (els) =>
    els.map((e) => ({
      building: (e as HTMLElement).dataset.building,
      status: (e as HTMLElement).dataset.status,
      word: e.querySelector('.tile-status')?.textContent,
      counts: [...e.querySelectorAll('.count:not(.zero)')].map((c) => c.textContent),
    })),
  )

it('When no device has ever reported, then every tile is UNKNOWN, not green; when one reports, its building shows it', async () => {
  await signInWall(page, gw.httpUrl)
  expect(await tiles(page)).toEqual([
    { building: 'quiet-a', status: 'unknown', word: 'UNKNOWN', counts: ['2 unknown'] },
    { building: 'quiet-b', status: 'unknown', word: 'UNKNOWN', counts: ['1 unknown'] },
  ])
  // The API agrees (docs/rules.md, "Signal classes": never green without data).
  const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings')
  expect(body.buildings.map((b: { status: string }) => b.status)).toEqual(['unknown', 'unknown'])

  // quiet-b's only device reports: its building is known to be normal now.
  await publishAs(gw.mqttUrl, QUIET.b1, 'telemetry', { metrics: { smoke_dbm: 0.01, battery_pct: 97 } })
  await page.waitForSelector('.tile[data-building="quiet-b"][data-status="green"]')
  // One of quiet-a's two reports: still not NORMAL, and the counts say what is missing.
  await publishAs(gw.mqttUrl, QUIET.a1, 'telemetry', { metrics: { smoke_dbm: 0.02 } })
  await page.waitForFunction(
    () => document.querySelector('.tile[data-building="quiet-a"] .count-green:not(.zero)') !== null,
  )
  expect(await tiles(page)).toEqual([
    { building: 'quiet-a', status: 'unknown', word: 'UNKNOWN', counts: ['1 unknown', '1 normal'] },
    { building: 'quiet-b', status: 'green', word: 'NORMAL', counts: ['1 normal'] },
  ])

  // The building view agrees with the tile: the silent device is UNKNOWN, not green.
  await page.click('.tile[data-building="quiet-a"]')
  await page.waitForSelector(`.cell[data-device="${QUIET.a1.id}"][data-status="green"]`)
  const silent = page.locator(`.cell[data-device="${QUIET.a2.id}"]`)
  expect(await silent.getAttribute('data-status')).toBe('unknown')
  expect(await silent.locator('.cell-value').textContent()).toBe('UNKNOWN')
  expect(await page.getAttribute('.building-head h2', 'data-status')).toBe('unknown')

  // A fire on the silent device: the alert decides, whatever the device's silence.
  await publishAs(gw.mqttUrl, QUIET.a2, 'event', { event: 'fire_alarm' })
  await page.waitForSelector(`.cell[data-device="${QUIET.a2.id}"][data-status="red"]`)
  await page.waitForSelector('.building-head h2[data-status="red"]')
})
