import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page

const TB03 = { id: 'tb-03-smoke-01', building: 'tower-b', secret: 's3cret-tb-03' }
const TA12 = { id: 'ta-12-smoke-01', building: 'tower-a', secret: 's3cret-ta-12' }

beforeAll(async () => {
  await buildWeb()
  // Chromium's own autoplay policy: no sound before the user has clicked or typed on the page.
  browser = await launchChromium()
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

const bar = (p: Page) =>
  p.$eval('#sound-bar', (el) => ({
    armed: (el as HTMLElement).dataset.armed,
    sounding: (el as HTMLElement).dataset.sounding,
    text: el.querySelector('.sound-text')?.textContent,
  }))

/** Resolves once document.title has matched `test` (a regex source), for a flashing title. */
const titleMatches = (p: Page, source: string, yes = true) =>
  p.waitForFunction(([s, y]) => new RegExp(s as string).test(document.title) === y, [source, yes] as const)

it('When the wall is reloaded, then a bar says the sound is off until a click arms it, and arming survives moving around', async () => {
  // ta-05-smoke-01 (5 s heartbeat, never connected) goes offline a few seconds after start, which
  // changes tower-a's tile: let that happen first, so that only the arming could move anything.
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  await waitFor(async () => (await brigade.get('/api/v1/incidents?class=offline')).body.incidents[0], 15_000)
  await signInWall(page, gw.httpUrl)
  await page.reload()
  await page.waitForSelector('#connection.live')
  expect(await bar(page)).toEqual({
    armed: 'false',
    sounding: '',
    text: 'ALARM SOUND OFF — click, tap or press a key anywhere to arm it',
  })
  const before = await page.locator('.tile >> nth=0').boundingBox()
  await page.click('.bar h1')
  await page.waitForSelector('#sound-bar[data-armed="true"]')
  expect((await bar(page)).text).toBe('Alarm sound armed')
  // Arming moved nothing on the page.
  expect(await page.locator('.tile >> nth=0').boundingBox()).toEqual(before)

  await page.click('.tile[data-building="tower-a"]')
  await page.waitForSelector('.floors .cell')
  await page.click('.back')
  expect(await bar(page)).toMatchObject({ armed: 'true', text: 'Alarm sound armed' })
})

it('When a fire is unacknowledged, then the title and icon flash; Silence stops the sound here only; Acknowledge ends it', async () => {
  const icons = new Set<string>()
  await publishAs(gw.mqttUrl, TB03, 'event', { event: 'fire_alarm' })
  await page.waitForSelector('#sound-bar[data-sounding="fire"]')
  expect((await bar(page)).text).toBe('Sounding: unacknowledged fire alarm')
  // Flashing: the fire and the page's own title take turns, as do two icons.
  for (const shown of [true, false, true]) {
    await titleMatches(page, '^▲ FIRE: Tower B · 3F · 3-east · Firewatch sensor wall$', shown)
    icons.add((await page.getAttribute('link[rel="icon"]', 'href')) ?? '')
  }
  expect(icons.size).toBe(2)

  await page.click('#sound-bar .sound-silence')
  await page.waitForSelector('#sound-bar.silenced')
  expect((await bar(page)).text).toBe('Silenced on this console only — still to be acknowledged')
  // Silence is not Acknowledge: the alarm is still open for everybody, and the tab still flashes.
  const brigade = apiClient(gw.httpUrl, 'brigade-token')
  const fire = await waitFor(async () => (await brigade.get('/api/v1/alerts?class=fire')).body.alerts[0])
  expect(fire.state).toBe('open')
  await titleMatches(page, 'FIRE: Tower B')
  await page.waitForSelector('.fire-banner')

  // A new fire elsewhere sounds again, silenced console or not.
  await publishAs(gw.mqttUrl, TA12, 'event', { event: 'fire_alarm' })
  await page.waitForSelector('#sound-bar[data-sounding="fire"]')
  await titleMatches(page, '\\(\\+1 more\\)')

  for (const banner of await page.$$('.fire-banner .ack')) await banner.click()
  await page.waitForSelector('.fire-banner', { state: 'detached' })
  await titleMatches(page, '^Firewatch sensor wall$')
  await page.waitForSelector('#sound-bar[data-sounding=""][data-armed="true"]')
  expect(await page.getAttribute('html', 'data-attention')).toBe('')
})

it('When the connection is lost, then a fault tone sounds after a short grace; Silence stops it without claiming anything is to be acknowledged; it ends when the wall is back', async () => {
  const port = new URL(gw.httpUrl).port
  await gw.stop()
  await page.waitForSelector('#connection.down')
  // A blip (a restart, a proxy's idle cut) is waited out; past that, the console sounds.
  await page.waitForSelector('#sound-bar[data-sounding="fault"]', { timeout: 15_000 })
  expect((await bar(page)).text).toBe('Sounding: connection to the gateway lost')
  await page.click('#sound-bar .sound-silence')
  await page.waitForSelector('#sound-bar.silenced')
  // Nobody can acknowledge a lost connection: the bar says what is still wrong instead.
  expect(await bar(page)).toEqual({
    armed: 'true',
    sounding: '',
    text: 'Silenced on this console only — the connection is still lost',
  })
  gw = await startTestGateway({ DATA_DIR: tempDataDir(), HTTP_PORT: port })
  // The back-off may have reached 8 s (x1.2) by the time the gateway is back.
  await page.waitForSelector('#connection.live', { timeout: 25_000 })
  await page.waitForSelector('#sound-bar.armed[data-sounding=""]')
  expect((await bar(page)).text).toBe('Alarm sound armed')
}, 60_000)
