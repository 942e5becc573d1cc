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

// A 30-storey tower with a detector on every floor: one fire is one banner however many alarms
// and floors it has; the building view marks the fire's floors in the order reached and scrolls to
// them; a test window opened through the API appears on the building view as it happens.

const FLOORS = 30
const detector = (floor: number) => ({
  id: `tt-${String(floor).padStart(2, '0')}-smoke-01`,
  building: 'tall',
  secret: `secret-tt-${floor}`,
})
const LOW = { id: 'lo-01-smoke-01', building: 'low', secret: 'secret-lo-1' }

function writeSite(dir: string): string {
  const rows = Array.from({ length: FLOORS }, (_, i) => {
    const d = detector(i + 1)
    return `  - { id: ${d.id}, building: tall, floor: ${i + 1}, zone: ${i + 1}-core, kind: smoke_detector, label: "Corridor ${i + 1}F", secret: ${d.secret} }`
  })
  const yaml = [
    'site: { name: Tall Estate, timezone: Asia/Shanghai, offlineGraceSec: 60 }',
    'buildings:',
    `  - { id: tall, name: Tall Tower, floors: ${FLOORS} }`,
    '  - { id: low, name: Low House, floors: 2 }',
    'devices:',
    ...rows,
    `  - { id: ${LOW.id}, building: low, floor: 1, zone: 1-hall, kind: smoke_detector, label: "Hall", secret: ${LOW.secret} }`,
    'apiTokens:',
    '  - { name: brigade, token: brigade-token, role: brigade }',
    '  - { name: admin, token: admin-token, role: admin }',
    '',
  ].join('\n')
  const file = join(dir, 'tall-site.yaml')
  writeFileSync(file, yaml)
  return file
}

const siteDir = tempDataDir()
let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway({ FIREWATCH_SITE: writeSite(siteDir) })
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  rmSync(siteDir, { recursive: true, force: true })
})

const brigade = () => apiClient(gw.httpUrl, 'brigade-token')
const admin = () => apiClient(gw.httpUrl, 'admin-token')

/** The device's fire alerts so far, once there are `n`. */
async function firesOf(device: { id: string; building: string }, n: number) {
  return waitFor(async () => {
    const { alerts } = (await brigade().get(`/api/v1/alerts?building=${device.building}&class=fire`)).body
    const mine = alerts.filter((a: { device: string }) => a.device === device.id)
    return mine.length === n ? (mine as { id: string; rule: string; incident: string }[]) : null
  })
}

/** Whether the element is wholly inside the browser's viewport now. */
const inView = (p: Page, selector: string) =>
  p.$eval(selector, (el) => {
    const r = el.getBoundingClientRect()
    return r.top >= 0 && r.bottom <= window.innerHeight
  })

/** Whether the element is wholly in view and not under the sound bar when that is fixed (a phone). */
const aboveSoundBar = (p: Page, selector: string) =>
  p.$eval(selector, (el) => {
    const r = el.getBoundingClientRect()
    const bar = document.getElementById('sound-bar')!
    const fixed = getComputedStyle(bar).position === 'fixed' && !bar.hidden
    return r.top >= 0 && r.bottom <= (fixed ? bar.getBoundingClientRect().top : window.innerHeight)
  })

it("When one detector raises a fire alarm and a smoke alarm and the fire reaches the floor above, then it is one banner; another building's fire is another", async () => {
  await signInWall(page, gw.httpUrl)
  // The smoke alarm wants two readings over its threshold; the fire alarm is the detector's own.
  for (const smoke of [0.3, 0.32])
    await publishAs(gw.mqttUrl, detector(2), 'telemetry', { metrics: { smoke_dbm: smoke } })
  await publishAs(gw.mqttUrl, detector(2), 'event', { event: 'fire_alarm' })
  const two = await firesOf(detector(2), 2)
  expect(two.map((a) => a.rule).sort()).toEqual(['device.fire_alarm', 'smoke.alarm'])
  expect(new Set(two.map((a) => a.incident)).size).toBe(1)
  await page.waitForFunction(
    () => document.querySelectorAll('#event-list .event.fire[data-action="opened"]').length === 2,
  )
  expect(await page.$$('.fire-banner')).toHaveLength(1)

  await publishAs(gw.mqttUrl, detector(3), 'event', { event: 'fire_alarm' })
  // The same fire: the floor above joins its incident (with the spread it makes, if any).
  expect((await firesOf(detector(3), 1))[0]!.incident).toBe(two[0]!.incident)
  await page.waitForSelector('.fire-banner .fire-where:text("2F → 3F")')
  expect(await page.$$('.fire-banner')).toHaveLength(1)
  expect(await page.textContent('.fire-banner .fire-where')).toBe(
    'Tall Tower · 2F → 3F · 2-core · Corridor 2F',
  )
  expect(await page.textContent('.tile[data-building="tall"] .tile-floors')).toBe('Floors 2F → 3F')

  await publishAs(gw.mqttUrl, LOW, 'event', { event: 'fire_alarm' })
  await page.waitForFunction(() => document.querySelectorAll('.fire-banner').length === 2)
  const banners = await page.$$eval('.fire-banner', (els) =>
    els.map((e) => (e as HTMLElement).dataset.incident),
  )
  expect(banners).toEqual([two[0]!.incident, (await firesOf(LOW, 1))[0]!.incident])
}, 60_000)

it('When the building is opened, then its fire floors are marked in the order reached and scrolled into view', async () => {
  await page.click('.tile[data-building="tall"]')
  await page.waitForSelector('.floors[data-loaded="fresh"] .floor.fire-floor')
  const marked = await page.$$eval('.floor.fire-floor', (els) =>
    els.map((e) => [(e as HTMLElement).dataset.floor, e.querySelector('.floor-fire')?.textContent]),
  )
  // Top down, as the building stands; each with a word and the order the fire reached it.
  expect(marked).toEqual([
    ['3', 'FIRE · reached 2nd'],
    ['2', 'FIRE · reached 1st'],
  ])
  expect(await page.textContent('.fire-path')).toBe('Fire reached, in this order: 2F → 3F')
  // 30 floors do not fit on the screen: the page was scrolled down to the fire.
  expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(0)
  expect(await inView(page, '.floor[data-floor="3"]')).toBe(true)
  expect(await inView(page, '.floor[data-floor="2"]')).toBe(true)
  await page.screenshot({ path: join(SCREENSHOTS, 'building-fire-floors.png') })
  const sign = await page.$eval('.floor-fire', (el) => getComputedStyle(el, '::before').content)
  expect(sign).toBe('"✹\u00a0" / ""')

  // The reader scrolls away; the fire reaches 4F: the view follows it there.
  await page.evaluate(() => window.scrollTo(0, 0))
  expect(await inView(page, '.floor[data-floor="2"]')).toBe(false)
  await publishAs(gw.mqttUrl, detector(4), 'event', { event: 'fire_alarm' })
  await page.waitForSelector('.floor[data-floor="4"].fire-floor')
  expect(await page.textContent('.floor[data-floor="4"] .floor-fire')).toBe('FIRE · reached 3rd')
  expect(await inView(page, '.floor[data-floor="4"]')).toBe(true)
  expect(await page.textContent('.fire-path')).toBe('Fire reached, in this order: 2F → 3F → 4F')

  // On a phone the alerts come first, the floors under them. The fire climbs to 8F: a long list,
  // drawn after the floors (reloaded: nothing drawn from memory). Opened there, it lands on the
  // fire, above the fixed sound bar. (A fire on the floors seen unscrolled, which the list then
  // pushes down, is the screenshot test's tower: wall-screenshots.test.ts checks it there.)
  for (const floor of [5, 6, 7, 8])
    await publishAs(gw.mqttUrl, detector(floor), 'event', { event: 'fire_alarm' })
  await firesOf(detector(8), 1)
  await page.setViewportSize({ width: 390, height: 844 })
  await page.reload()
  await page.waitForSelector('#connection.live')
  await page.click('.tile[data-building="tall"]')
  await page.waitForSelector('.floors[data-loaded="fresh"] .floor[data-floor="8"].fire-floor')
  await page.waitForSelector('.alert-list[data-loaded="fresh"] .incident.fire')
  expect(await aboveSoundBar(page, '.floor[data-floor="8"]')).toBe(true)
  await page.setViewportSize({ width: 1920, height: 1080 })
})

it('When a test window is opened and closed through the API, then the building view shows it and takes it away, without a reload', async () => {
  await page.evaluate(() => window.scrollTo(0, 0))
  expect(await page.isHidden('.windows')).toBe(true)
  const opened = await admin().post('/api/v1/windows', {
    building: 'tall',
    floor: 10,
    reason: 'detector test',
    durationMin: 30,
  })
  expect(opened.status).toBe(201)
  const item = `.windows .window[data-window="${opened.body.id}"]`
  await page.waitForSelector(item)
  expect(await page.textContent(`${item} .window-word`)).toBe('TEST WINDOW')
  expect(await page.textContent(`${item} .window-scope`)).toBe('10F')
  expect(await page.textContent(`${item} .window-reason`)).toBe('detector test')
  expect(await page.textContent(`${item} .window-when`)).toMatch(
    /^in force until \d{2}:\d{2}:\d{2} · by admin$/,
  )
  expect(await page.isVisible('.windows .windows-note')).toBe(true)
  await page.screenshot({ path: join(SCREENSHOTS, 'building-test-window.png') })

  expect((await admin().del(`/api/v1/windows/${opened.body.id}`)).status).toBe(200)
  await page.waitForSelector('.windows', { state: 'hidden' })
})
