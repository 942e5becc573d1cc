import { rmSync } from 'node:fs'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { FIXTURE_WEBHOOK_SECRET, writeNotifySite } from '../notify/notify-fixtures.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'

let browser: TestBrowser
let gw: GatewayUnderTest
let page: Page
let receiver: WebhookReceiver
const siteDir = tempDataDir()

beforeAll(async () => {
  await buildWeb()
  receiver = await startWebhookReceiver({ secret: FIXTURE_WEBHOOK_SECRET, now: systemClock.now })
  browser = await launchChromium()
  // The notify site: contact li-wei has the push channel and is linked to token mgr-a.
  gw = await startTestGateway({
    FIREWATCH_SITE: writeNotifySite(siteDir, receiver.url),
    VAPID_SUBJECT: 'mailto:ops@example.com',
  })
  page = await browser.context.newPage()
})

afterAll(async () => {
  await browser?.close()
  await gw?.stop()
  await receiver?.close()
  rmSync(siteDir, { recursive: true, force: true })
})

async function signIn(token: string): Promise<void> {
  const keyAnswered = page.waitForResponse((r) => r.url().endsWith('/api/v1/push/vapid-public-key'))
  await page.goto(gw.httpUrl)
  await page.fill('#token', token)
  await page.click('#sign-in button[type=submit]')
  await page.waitForSelector('#connection.live')
  const key = await keyAnswered
  // Asked with the bearer header, never with the token in the URL.
  expect(key.request().headers().authorization).toBe(`Bearer ${token}`)
  expect(key.url()).not.toContain(token)
}

it('When the token has no push contact, then no push sign-up is offered', async () => {
  await signIn('brigade-token')
  const { body } = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/push/vapid-public-key')
  expect(body.contacts).toEqual([])
  expect(await page.isHidden('#push-signup')).toBe(true)
  await page.click('#sign-out')
})

it('When a manager signs up for push, then the service worker registers from the gateway and shows a pushed alert', async () => {
  await browser.context.grantPermissions(['notifications'], { origin: gw.httpUrl })
  await signIn('manager-a-token')
  await page.click('#push-signup')
  const worker = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.ready
    // `ready` already resolves while the worker is activating; a push is for an activated one.
    const active = registration.active!
    if (active.state !== 'activated') {
      await new Promise((resolve) => active.addEventListener('statechange', resolve, { once: true }))
    }
    return {
      scope: registration.scope,
      script: registration.active?.scriptURL,
      permission: Notification.permission,
    }
  })
  expect(worker).toEqual({ scope: `${gw.httpUrl}/`, script: `${gw.httpUrl}/sw.js`, permission: 'granted' })

  // A push as the browser's push service delivers it (DevTools protocol), with the payload the
  // gateway's web-push channel sends (alerting/notify/channels/web-push-channel.ts).
  const cdp = await browser.context.newCDPSession(page)
  const registered = new Promise<string>((resolve) =>
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      const mine = e.registrations.find((r) => r.scopeURL === `${gw.httpUrl}/` && !r.isDeleted)
      if (mine) resolve(mine.registrationId)
    }),
  )
  await cdp.send('ServiceWorker.enable')
  const ackUrl = `${gw.httpUrl}/ack/example`
  const payload = {
    type: 'firewatch.alert',
    alertId: 'alert-1',
    text: 'Fire alarm: Tower A 12F',
    ackUrl,
    urgent: true,
  }
  const notification = () =>
    page.evaluate(async () => {
      const registration = await navigator.serviceWorker.ready
      const [n] = await registration.getNotifications({ tag: 'alert-1' })
      return n ? { title: n.title, body: n.body, sticky: n.requireInteraction, data: n.data } : null
    })
  const registrationId = await registered
  // Headless chromium drops some DevTools-delivered pushes (in about half of our runs the first one
  // never reached the worker, with the worker running and activated): deliver again until shown.
  let shown = null
  for (let attempt = 0; attempt < 5 && !shown; attempt++) {
    await cdp.send('ServiceWorker.deliverPushMessage', {
      origin: gw.httpUrl,
      registrationId,
      data: JSON.stringify(payload),
    })
    shown = await waitFor(notification, 2000).catch(() => null)
  }
  expect(shown).toEqual({
    title: 'Firewatch',
    body: 'Fire alarm: Tower A 12F',
    sticky: true,
    data: { ackUrl },
  })
})
