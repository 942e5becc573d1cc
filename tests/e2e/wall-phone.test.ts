import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { startFixtureReceiver, writeNotifySite } from '../notify/notify-fixtures.ts'
import { waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { SCREENSHOTS } from '../support/paths.ts'
import type { WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { publishAs } from '../support/wall-page.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let receiver: WebhookReceiver
let page: Page
const siteDir = tempDataDir()

beforeAll(async () => {
  await buildWeb()
  receiver = await startFixtureReceiver()
  // A phone: small screen, touch, no hover.
  browser = await launchChromium(
    { width: 390, height: 844 },
    { isMobile: true, hasTouch: true, deviceScaleFactor: 2 },
  )
  gw = await startTestGateway({ FIREWATCH_SITE: writeNotifySite(siteDir, receiver.url) })
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  await receiver?.close()
  rmSync(siteDir, { recursive: true, force: true })
})

/** Where the tapped tile was when the finger came down, and when the click landed. */
async function watchFirstTap(p: Page): Promise<void> {
  await p.evaluate(() => {
    const w = window as unknown as { tapTops: number[] }
    w.tapTops = []
    const top = (e: Event) => {
      const tile = (e.target as Element).closest('.tile')
      if (tile) w.tapTops.push(tile.getBoundingClientRect().top)
    }
    window.addEventListener('touchstart', top, { capture: true })
    window.addEventListener('click', top, { capture: true })
  })
}

it('When the wall is opened on a phone, then the first tap on a building opens it, with nothing moving under the finger', async () => {
  await page.goto(gw.httpUrl)
  await page.fill('#token', 'brigade-token')
  await page.tap('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')
  // Opened afresh: nobody has touched this page yet, the sound bar says the sound is off.
  await page.reload()
  await page.waitForSelector('.tile[data-building="tower-a"]')
  await page.waitForSelector('#sound-bar[data-armed="false"]')
  await page.screenshot({ path: join(SCREENSHOTS, 'phone-wall-sound-off.png') })
  await watchFirstTap(page)

  await page.tap('.tile[data-building="tower-a"]')
  await page.waitForSelector('.building-head h2')
  // One tap: it armed the sound and opened the building, and the tile did not move between the
  // finger coming down and the click.
  const tops = await page.evaluate(() => (window as unknown as { tapTops: number[] }).tapTops)
  expect(tops).toHaveLength(2)
  expect(tops[1]).toBe(tops[0])
  await page.waitForSelector('#sound-bar[data-armed="true"]')
  await page.tap('.back')
  await page.waitForSelector('.tile[data-building="tower-a"]')
})

it('When a contact opens the one-tap link on a phone, then it says what, where, when and who else has acknowledged', async () => {
  await publishAs(
    gw.mqttUrl,
    { id: 'ta-12-smoke-01', building: 'tower-a', secret: 's3cret-ta-12' },
    'event',
    {
      event: 'fire_alarm',
    },
  )
  const linkOf = async (contact: string) => {
    const d = await waitFor(() => receiver.deliveries.find((x) => x.idempotencyKey.includes(`:${contact}:`)))
    return gw.httpUrl + new URL(d.body.ackUrl).pathname
  }
  const [liWei, zhangMin] = [await linkOf('li-wei'), await linkOf('zhang-min')]

  await page.goto(liWei)
  expect(await page.textContent('.headline')).toBe('Fire alarm · Tower A · 12F · 12-east')
  expect(await page.textContent('dl')).toMatch(/Opened.*\d{2}:\d{2}:\d{2}.* \((just now|\d+ min ago)\)/)
  expect(await page.textContent('p.acks')).toBe('Nobody has acknowledged it yet.')
  await page.screenshot({ path: join(SCREENSHOTS, 'phone-ack-page.png'), fullPage: true })
  await page.fill('textarea[name="note"]', 'on my way')
  await page.tap('button[type="submit"]')
  await page.waitForSelector('text=Thank you, Li Wei')

  // The deputy's link, afterwards: already taken, and by whom.
  await page.goto(zhangMin)
  expect(await page.textContent('h1')).toBe('Alert')
  expect(await page.textContent('ul.acks')).toMatch(/^Li Wei · .*\d{2}:\d{2}:\d{2}.* · “on my way”$/)
  await page.screenshot({ path: join(SCREENSHOTS, 'phone-ack-page-taken.png'), fullPage: true })
})
