import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'

// Screenshots of the wall before, during and after a fire, on a desk (1920x1080) and a phone, in
// English and Chinese, into tests/e2e/out/ for a person to look at (never compared by a test).

const DEVICES = [
  ['ta-03-smoke-01', 'tower-a', 3, 'Lift lobby 3F'],
  ['ta-07-smoke-01', 'tower-a', 7, 'Kitchen 7F'],
  ['ta-07-smoke-02', 'tower-a', 7, 'Corridor 7F'],
  ['ta-08-smoke-01', 'tower-a', 8, 'Corridor 8F'],
  ['ta-b1-press-01', 'tower-a', -1, 'Sprinkler riser B1'],
  ['tb-02-smoke-01', 'tower-b', 2, 'Hall 2F'],
  ['tb-05-smoke-01', 'tower-b', 5, 'Corridor 5F'],
  ['an-01-smoke-01', 'annex', 1, 'Canteen'],
] as const
const SILENT = 'an-01-smoke-01'
const device = (id: string) => {
  const [, building] = DEVICES.find(([d]) => d === id)!
  return { id, building, secret: `secret-${id}` }
}

function writeSite(dir: string): string {
  const rows = DEVICES.map(([id, building, floor, label]) => {
    const kind = id.includes('press') ? 'pressure_sensor' : 'smoke_detector'
    return `  - { id: ${id}, building: ${building}, floor: ${floor}, zone: ${floor}-core, kind: ${kind}, label: "${label}", secret: secret-${id} }`
  })
  const yaml = [
    'site: { name: Riverside Estate, timezone: Asia/Shanghai, offlineGraceSec: 60 }',
    'buildings:',
    '  - { id: tower-a, name: Tower A, floors: 12, basements: 1 }',
    '  - { id: tower-b, name: Tower B, floors: 6 }',
    '  - { id: annex, name: Annex, floors: 2 }',
    'devices:',
    ...rows,
    'apiTokens:',
    '  - { name: brigade, token: brigade-token, role: brigade }',
    '',
  ].join('\n')
  const file = join(dir, 'screenshot-site.yaml')
  writeFileSync(file, yaml)
  return file
}

const siteDir = tempDataDir()
let gw: GatewayUnderTest
const views: { name: string; browser: TestBrowser; page: Page }[] = []

beforeAll(async () => {
  await buildWeb()
  gw = await startTestGateway({ FIREWATCH_SITE: writeSite(siteDir) })
  for (const [name, viewport, phone] of [
    ['desktop', { width: 1920, height: 1080 }, false],
    ['phone', { width: 390, height: 844 }, true],
  ] as const) {
    const browser = await launchChromium(viewport, phone ? { isMobile: true, hasTouch: true } : {})
    const page = await browser.context.newPage()
    await page.emulateMedia({ reducedMotion: 'reduce' })
    views.push({ name, browser, page })
  }
})

afterAll(async () => {
  for (const v of views) await v.browser.close()
  await gw?.stop()
  rmSync(siteDir, { recursive: true, force: true })
})

/** Whether the floor the fire reached last is wholly in view (above a phone's fixed sound bar). */
const fireFloorInView = (p: Page) =>
  p.evaluate(() => {
    const rows = [...document.querySelectorAll<HTMLElement>('.floor.fire-floor')]
    const last = rows.sort((a, b) => Number(b.dataset.fireOrder) - Number(a.dataset.fireOrder))[0]!
    const r = last.getBoundingClientRect()
    const bar = document.getElementById('sound-bar')!
    const bottom =
      getComputedStyle(bar).position === 'fixed' ? bar.getBoundingClientRect().top : window.innerHeight
    return r.top >= 0 && r.bottom <= bottom
  })

/**
 * What sticks out past the screen's right edge (none may: on a phone it cuts a button and widens
 * the whole page, taking the fixed sound bar off the bottom), as class and text.
 */
const widerThanScreen = (p: Page) =>
  p.evaluate(() => {
    const edge = document.documentElement.clientWidth
    const out: string[] = []
    for (const el of document.querySelectorAll<HTMLElement>('body *'))
      if (el.getBoundingClientRect().right > edge + 0.5 && el.children.length === 0)
        out.push(`${el.className}: ${el.textContent?.trim().slice(0, 40)}`)
    return out
  })

/** Both views, both languages: the language button switches (and, being a click, arms the sound). */
async function shoot(phase: string, ready: (p: Page) => Promise<unknown>, building?: string): Promise<void> {
  for (const { name, page } of views) {
    for (const locale of ['en', 'zh-CN']) {
      if ((await page.getAttribute('html', 'lang')) !== locale) await page.click('#language')
      await ready(page)
      expect(await widerThanScreen(page)).toEqual([])
      await page.screenshot({ path: join(SCREENSHOTS, `shot-${phase}-${name}-${locale}.png`) })
      if (!building) continue
      await page.click(`.tile[data-building="${building}"]`)
      await page.waitForSelector('.floors[data-loaded="fresh"] .cell')
      await page.waitForSelector('.alert-list[data-loaded="fresh"]')
      // Whatever the screen, the view lands on the fire's floor (on a phone, under the alerts).
      if (await page.$('.floor.fire-floor')) expect(await fireFloorInView(page)).toBe(true)
      expect(await widerThanScreen(page)).toEqual([])
      // Not full-page on the phone: there the sound bar is fixed to the screen's bottom edge.
      const path = join(SCREENSHOTS, `shot-${phase}-${name}-${locale}-building.png`)
      await page.screenshot({ path, fullPage: name === 'desktop' })
      await page.click('.back')
    }
  }
}

it('When a fire comes and goes, then screenshots of each moment are written (desk and phone, en and zh-CN)', async () => {
  for (const [id] of DEVICES)
    if (id !== SILENT)
      await publishAs(gw.mqttUrl, device(id), 'telemetry', { metrics: { smoke_dbm: 0.01, battery_pct: 95 } })
  for (const { page } of views) await signInWall(page, gw.httpUrl)
  // Before: two buildings normal, the annex unknown (its detector has never reported).
  await shoot(
    'before',
    (p) => p.waitForSelector('.tile[data-building="tower-b"][data-status="green"]'),
    'tower-a',
  )

  // During: a kitchen fire on 7F whose smoke reaches the corridor above: one fire, two floors.
  await publishAs(gw.mqttUrl, device('ta-07-smoke-02'), 'telemetry', { metrics: { smoke_dbm: 0.12 } })
  await publishAs(gw.mqttUrl, device('ta-07-smoke-01'), 'event', {
    event: 'fire_alarm',
    detail: 'smoke chamber alarm',
  })
  for (const smoke of [0.3, 0.34])
    await publishAs(gw.mqttUrl, device('ta-08-smoke-01'), 'telemetry', { metrics: { smoke_dbm: smoke } })
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  const fire = await waitFor(async () => {
    const [i] = (await brigade.get('/api/v1/incidents?building=tower-a&class=fire')).body.incidents
    return i?.floors.length === 2 ? i : null
  })
  await shoot(
    'during',
    (p) => p.waitForSelector('.tile[data-building="tower-a"] .tile-floors:has-text("→")'),
    'tower-a',
  )

  expect((await brigade.post(`/api/v1/incidents/${fire.id}/ack`, { note: 'crew on site' })).status).toBe(200)
  // Taken, but still burning: the tile keeps the fire's floors, in the wall's language.
  const floorsOnTile = { en: 'Floors 7F → 8F', 'zh-CN': '楼层 7层 → 8层' }
  await shoot(
    'acknowledged',
    async (p) => {
      await p.waitForSelector('.fire-banner', { state: 'detached' })
      const lang = (await p.getAttribute('html', 'lang')) as keyof typeof floorsOnTile
      expect(await p.textContent('.tile[data-building="tower-a"] .tile-floors')).toBe(floorsOnTile[lang])
    },
    'tower-a',
  )
  await publishAs(gw.mqttUrl, device('ta-07-smoke-02'), 'telemetry', { metrics: { smoke_dbm: 0.01 } })
  await publishAs(gw.mqttUrl, device('ta-08-smoke-01'), 'telemetry', { metrics: { smoke_dbm: 0.01 } })
  const resolved = await brigade.post(`/api/v1/incidents/${fire.id}/resolve`, {
    disposition: 'false_alarm',
    cause: 'cooking',
    note: 'burnt toast',
  })
  expect(resolved.status).toBe(200)
  await shoot(
    'after',
    (p) => p.waitForSelector('.tile[data-building="tower-a"][data-status="green"]'),
    'tower-a',
  )
}, 180_000)
