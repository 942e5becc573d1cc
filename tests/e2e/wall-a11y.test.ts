import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'
import { lowContrastTexts } from './contrast.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

const secretOf: Record<string, string> = {
  'ta-12-smoke-01': 's3cret-ta-12',
  'ta-12-smoke-02': 's3cret-ta-12b',
  'ta-20-sprinkler-01': 's3cret-ta-20',
  'ta-32-tank-01': 's3cret-ta-32',
  'ta-b1-elec-01': 's3cret-ta-b1',
  'tb-03-smoke-01': 's3cret-tb-03',
  'tb-01-pump-01': 's3cret-tb-01',
}
const device = (id: string) => ({
  id,
  building: id.startsWith('ta') ? 'tower-a' : 'tower-b',
  secret: secretOf[id]!,
})

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
  // Every status on screen at once: tower-a has a fire (red), a device gone silent (ta-05, grey),
  // devices that report (green) and one that never does (unknown); tower-b a fault (yellow).
  for (const id of ['ta-12-smoke-02', 'ta-20-sprinkler-01', 'ta-b1-elec-01', 'tb-01-pump-01'])
    await publishAs(gw.mqttUrl, device(id), 'telemetry', { metrics: { battery_pct: 96 } })
  await publishAs(gw.mqttUrl, device('ta-12-smoke-01'), 'event', { event: 'fire_alarm' })
  await publishAs(gw.mqttUrl, device('tb-03-smoke-01'), 'event', { event: 'fault', detail: 'chamber dirty' })
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  await waitFor(async () => {
    const { body } = await brigade.get('/api/v1/alerts')
    return new Set(body.alerts.map((a: { class: string }) => a.class)).size === 3
  }, 15_000)
  await signInWall(page, gw.httpUrl)
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

describe('sensor wall accessibility', () => {
  it('When every status is on screen, then each is told by a word and a sign, not by colour alone', async () => {
    await page.waitForSelector('.tile[data-building="tower-a"][data-status="red"]')
    await page.waitForSelector('.tile[data-building="tower-b"][data-status="yellow"]')
    const tiles = await page.$$eval('.tile', (els) =>
      els.map((e) => ({
        status: (e as HTMLElement).dataset.status,
        word: e.querySelector('.tile-status')?.textContent,
        sign: getComputedStyle(e.querySelector('.tile-status')!, '::before').content,
      })),
    )
    expect(tiles).toEqual([
      { status: 'red', word: 'FIRE', sign: '"✹\u00a0" / ""' },
      { status: 'yellow', word: 'ATTENTION', sign: '"⚠\u00a0" / ""' },
    ])
    await page.click('.tile[data-building="tower-a"]')
    await page.waitForSelector('.cell[data-status="grey"]', { timeout: 15_000 })
    const cells = await page.$$eval('.cell', (els) =>
      els.map((e) => ({
        status: (e as HTMLElement).dataset.status,
        sign: getComputedStyle(e.querySelector('.cell-label')!, '::before').content,
      })),
    )
    const signs = Object.fromEntries(cells.map((c) => [c.status, c.sign]))
    expect(signs).toEqual({
      red: '"✹\u00a0" / ""',
      green: '"✓\u00a0" / ""',
      grey: '"⊘\u00a0" / ""',
      unknown: '"?\u00a0" / ""',
    })
    // Seen with each colour vision deficiency: for a person to look at (tests/e2e/out/).
    const cdp = await page.context().newCDPSession(page)
    for (const type of ['deuteranopia', 'protanopia', 'tritanopia', 'achromatopsia']) {
      await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: type as 'deuteranopia' })
      await page.click('.back')
      await page.screenshot({ path: join(SCREENSHOTS, `vision-${type}-wall.png`) })
      await page.click('.tile[data-building="tower-a"]')
      await page.waitForSelector('.cell[data-status="grey"]')
      await page.screenshot({ path: join(SCREENSHOTS, `vision-${type}-building.png`) })
    }
    await cdp.send('Emulation.setEmulatedVisionDeficiency', { type: 'none' })
    await cdp.detach()
  })

  it('When text is shown in any state, then its contrast with what is behind it is at least 4.5:1', async () => {
    // The building view (tower-a open from the test before), then the wall, then the sound bar off.
    expect(await lowContrastTexts(page)).toEqual([])
    await page.click('.back')
    expect(await lowContrastTexts(page)).toEqual([])
    await page.reload()
    await page.waitForSelector('#sound-bar[data-armed="false"]')
    await page.waitForSelector('.tile')
    expect(await lowContrastTexts(page)).toEqual([])
  })

  it('When the wall is used with the keyboard, then focus is visible and follows into a building and back', async () => {
    await page.keyboard.press('Tab')
    for (let i = 0; i < 20; i++) {
      if (await page.evaluate(() => document.activeElement?.classList.contains('tile'))) break
      await page.keyboard.press('Tab')
    }
    const ring = await page.evaluate(() => {
      const s = getComputedStyle(document.activeElement!)
      return {
        building: (document.activeElement as HTMLElement).dataset.building,
        style: s.outlineStyle,
        width: parseFloat(s.outlineWidth),
        colour: s.outlineColor,
      }
    })
    expect(ring).toMatchObject({ building: 'tower-a', style: 'solid', colour: 'rgb(255, 212, 0)' })
    expect(ring.width).toBeGreaterThanOrEqual(2)
    await page.keyboard.press('Enter')
    await page.waitForSelector('.building-head h2')
    // Into the building: focus is on its heading, so a screen reader says where it is.
    expect(await page.evaluate(() => document.activeElement?.matches('.building-head h2'))).toBe(true)
    await page.focus('.back')
    await page.keyboard.press('Enter')
    await page.waitForSelector('#wall:not([hidden])')
    // And back: on the tile it left from.
    expect(await page.evaluate(() => (document.activeElement as HTMLElement).dataset.building)).toBe(
      'tower-a',
    )
  })
})
