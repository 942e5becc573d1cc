import { rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { publishAs, signInWall } from '../support/wall-page.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let port: string
let page: Page
const dataDir = tempDataDir()

beforeAll(async () => {
  await buildWeb()
  browser = await launchChromium()
  gw = await startTestGateway({ DATA_DIR: dataDir })
  port = new URL(gw.httpUrl).port
  page = await browser.context.newPage()
  await page.emulateMedia({ reducedMotion: 'reduce' })
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})

const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

/** Stops the gateway and waits until the wall knows; `back()` starts it again on the same port and data. */
async function gatewayDown(): Promise<{ back(): Promise<void> }> {
  await gw.stop()
  await page.waitForSelector('#stale:not([hidden])')
  return {
    back: async () => {
      gw = await startTestGateway({ DATA_DIR: dataDir, HTTP_PORT: port })
    },
  }
}

it('When Acknowledge fails (HTTP error, then gateway down), then the banner says why and Retry works once the cause is gone', async () => {
  await signInWall(page, gw.httpUrl)
  await publishAs(
    gw.mqttUrl,
    { id: 'tb-03-smoke-01', building: 'tower-b', secret: 's3cret-tb-03' },
    'event',
    {
      event: 'fire_alarm',
    },
  )
  await page.waitForSelector('.fire-banner')

  // A token that may not see tower-b (its rights changed under the wall): the gateway says 404.
  await page.evaluate(() => localStorage.setItem('firewatch.token', 'manager-a-token'))
  await page.click('.fire-banner .ack')
  await page.waitForSelector('.fire-banner .action-error:not([hidden])')
  expect(await page.textContent('.fire-banner .action-error')).toBe(
    'Acknowledge failed: the gateway answered HTTP 404 Retry',
  )
  await page.evaluate(() => localStorage.setItem('firewatch.token', 'brigade-token'))

  const outage = await gatewayDown()
  await page.click('.fire-banner .action-error .retry')
  await page.waitForFunction(() =>
    document.querySelector('.fire-banner .action-error')?.textContent?.includes('cannot be reached'),
  )
  expect(await page.isEnabled('.fire-banner .ack')).toBe(true)
  await outage.back()
  await page.click('.fire-banner .action-error .retry')
  await page.waitForSelector('.fire-banner', { state: 'detached', timeout: 20_000 })
  // The banner's Acknowledge took the incident, and with it its alarm.
  const [fire] = (await brigade().get('/api/v1/incidents?class=fire')).body.incidents
  expect(fire).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'brigade' })
  const [alarm] = (await brigade().get('/api/v1/alerts?class=fire')).body.alerts
  expect(alarm).toMatchObject({ state: 'acknowledged', incident: fire.id })
}, 60_000)

it('When a fire is resolved, then it asks first and for what it was, resolves the incident with it, and a failed resolve can be retried', async () => {
  await page.waitForSelector('#connection.live', { timeout: 20_000 })
  await page.click('.tile[data-building="tower-b"]')
  const item = '.alert-list .incident.fire[data-state="acknowledged"]'
  await page.click(`${item} .resolve`)
  // Not resolved by one click: a question, and for a fire, what it was.
  await page.waitForSelector(`${item} .resolve-form`)
  expect(await page.textContent(`${item} .resolve-question`)).toBe(
    'Resolve this incident and all its alerts?',
  )
  await page.click(`${item} .resolve-confirm`)
  await page.waitForSelector(`${item} .resolve-form .action-error:not([hidden])`)
  expect(await page.textContent(`${item} .resolve-form .action-error`)).toBe('Choose what it was.')
  await page.check(`${item} input[value="false_alarm"]`)
  await page.selectOption(`${item} select.cause`, 'steam')
  await page.fill(`${item} .ack-note`, 'shower on 3F')

  const outage = await gatewayDown()
  await page.click(`${item} .resolve-confirm`)
  await page.waitForFunction(
    (sel) =>
      document
        .querySelector(`${sel} .resolve-slot > .action-error`)
        ?.textContent?.startsWith('Resolve failed'),
    item,
  )
  await outage.back()
  await page.click(`${item} .resolve-slot > .action-error .retry`)
  // Through the incident API: the disposition is the incident's own field, not words in a note.
  const resolved = await waitFor(async () => {
    const [fire] = (await brigade().get('/api/v1/incidents?class=fire&state=all')).body.incidents
    return fire.state === 'resolved' ? fire : null
  }, 20_000)
  expect(resolved).toMatchObject({
    resolvedBy: 'brigade',
    disposition: { kind: 'false_alarm', cause: 'steam', note: 'shower on 3F', by: 'brigade' },
  })
  const [alarm] = (await brigade().get('/api/v1/alerts?class=fire&state=all')).body.alerts
  expect(alarm).toMatchObject({ state: 'resolved', incident: resolved.id })
  // Resolved: gone from the active list.
  await page.waitForSelector(`.alert-list .incident[data-incident="${resolved.id}"]`, { state: 'detached' })
}, 60_000)
