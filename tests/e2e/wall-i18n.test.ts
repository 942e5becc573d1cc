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
  // A Chinese browser in New York: the language follows the browser, the clock follows the site
  // (tests/fixtures/test-site.yaml: Asia/Shanghai).
  browser = await launchChromium(
    { width: 1920, height: 1080 },
    { locale: 'zh-CN', timezoneId: 'America/New_York' },
  )
  gw = await startTestGateway()
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
})

/** What a person in Shanghai reads on the clock at `iso`, in each locale's format. */
function siteTime(iso: string, locale: string): string {
  const format = {
    timeZone: 'Asia/Shanghai',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  } as const
  return new Intl.DateTimeFormat(locale, format).format(new Date(iso))
}

it('When the browser is Chinese, then the wall is in Chinese; the switch turns it English and it stays so', async () => {
  const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/buildings')
  expect(body.site).toEqual({ name: 'Test Estate', timezone: 'Asia/Shanghai', locale: 'en' })
  const device = await connectClient(gw.mqttUrl, 'ta-b1-elec-01', 's3cret-ta-b1')
  await device.publishAsync('fw/tower-a/ta-b1-elec-01/event', JSON.stringify({ event: 'fire_alarm' }), {
    qos: 1,
  })
  await device.endAsync()
  const fire = await waitFor(
    async () =>
      (await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts?class=fire')).body.alerts[0],
  )

  await page.goto(gw.httpUrl)
  expect(await page.textContent('#sign-in button[type=submit]')).toBe('登录')
  await page.fill('#token', 'brigade-token')
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')
  expect(await page.getAttribute('html', 'lang')).toBe('zh-CN')
  expect(await page.textContent('#connection')).toBe('实时')
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-status')).toBe('火警')
  // The tile headlines the fire incident, its title rebuilt in Chinese (the site writes English).
  const [incident] = (
    await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/incidents?building=tower-a&class=fire')
  ).body.incidents
  expect(incident.title).toBe('Fire alarm: Tower A B1 switch-room, Main switchboard')
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-headline')).toBe(
    '火警：Tower A 负一层 switch-room，Main switchboard',
  )
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-floors')).toBe('楼层 负一层')
  expect(await page.textContent('.legend')).toContain('红 火警')
  // The site speaks English (the incident's title, the alert's message); a Chinese wall rebuilds
  // them in Chinese, naming the device the snapshot named.
  expect(fire.message).toBe('Fire alarm (device): Tower A B1 switch-room, Main switchboard')
  expect(await page.textContent('.fire-banner .fire-where')).toBe(
    'Tower A · 负一层 · switch-room · Main switchboard',
  )
  expect(await page.textContent('.fire-banner .fire-what')).toBe(
    `火警：Tower A 负一层 switch-room，Main switchboard · 自 ${siteTime(incident.openedAt, 'zh-CN')} 起`,
  )
  await page.waitForSelector('.tile[data-building="tower-a"] .count-red:not(.zero)')
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-zh-CN.png') })
  await page.click('.tile[data-building="tower-a"]')
  await page.waitForSelector('.floor-label')
  expect(await page.$$eval('.floor-label', (els) => els.map((e) => e.textContent))).toEqual([
    '32层',
    '20层',
    '12层',
    '5层',
    '负一层',
  ])
  await page.waitForSelector('.alert-list .incident.fire')
  expect(await page.textContent('.alert-list .incident.fire > .incident-head .alert-state')).toBe('未确认')
  expect(await page.textContent('.alert-list .incident.fire .incident-title')).toBe(
    '火警：Tower A 负一层 switch-room，Main switchboard',
  )
  expect(await page.textContent('.fire-path')).toBe('火情楼层：负一层')
  await page.screenshot({ path: join(SCREENSHOTS, 'building-zh-CN.png') })

  await page.click('#language')
  expect(await page.getAttribute('html', 'lang')).toBe('en')
  // The building view is drawn again in English once its detail has been fetched again.
  await page.waitForSelector('.floor-label:text-is("32F")')
  expect(await page.$$eval('.floor-label', (els) => els.map((e) => e.textContent))).toEqual([
    '32F',
    '20F',
    '12F',
    '5F',
    'B1',
  ])
  await page.click('.back')
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-headline')).toBe(incident.title)
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-floors')).toBe('Floors B1')
  expect(await page.textContent('.fire-banner .fire-what')).toBe(
    `${incident.title} · since ${siteTime(incident.openedAt, 'en')}`,
  )
  expect(await page.textContent('#language')).toBe('中文')
  await page.screenshot({ path: join(SCREENSHOTS, 'wall-en.png') })

  // The choice is kept: a reload of the Chinese browser stays English.
  await page.reload()
  await page.waitForSelector('#connection.live')
  expect(await page.textContent('.tile[data-building="tower-a"] .tile-status')).toBe('FIRE')
})
