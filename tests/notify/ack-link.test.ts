import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import {
  loadOrCreateAckKey,
  shortTokenNonce,
  signAckToken,
  signShortToken,
  verifyAckToken,
} from '../../alerting/notify/ack-token.ts'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import type { WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { startFixtureReceiver, writeNotifySite } from './notify-fixtures.ts'
import {
  createNotifyHarness,
  type NotifyHarness,
  siteWith,
  tokenOf,
  WEBHOOK_SECRET,
} from './notify-harness.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function gatewayWithContacts(env: Record<string, string> = {}) {
  const receiver = await startFixtureReceiver()
  cleanups.push(() => receiver.close())
  const siteDir = tempDataDir()
  cleanups.push(() => rmSync(siteDir, { recursive: true, force: true }))
  const gw = await startTestGateway({ FIREWATCH_SITE: writeNotifySite(siteDir, receiver.url), ...env })
  cleanups.push(() => gw.stop())
  return { gw, receiver }
}

async function raiseFire(gw: GatewayUnderTest, receiver: WebhookReceiver) {
  const smoke = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
  cleanups.push(() => smoke.endAsync(true))
  const event = JSON.stringify({ event: 'fire_alarm', detail: 'kitchen' })
  await smoke.publishAsync('fw/tower-a/ta-12-smoke-01/event', event, { qos: 1 })
  return waitFor(() => receiver.deliveries.find((d) => d.idempotencyKey.includes(':li-wei:')))
}

describe('One-tap acknowledgement link', () => {
  it('When the manager opens the link, then a page with a button shows; the POST acknowledges once, without an API token', async () => {
    const { gw, receiver } = await gatewayWithContacts()
    const delivery = await raiseFire(gw, receiver)
    const port = new URL(gw.httpUrl).port
    expect(delivery.body.ackUrl).toMatch(new RegExp(`^http://localhost:${port}/a/`))
    const url = gw.httpUrl + new URL(delivery.body.ackUrl).pathname
    const alertId = delivery.body.alert.id as string

    const page = await fetch(url)
    const html = await page.text()
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'")
    expect(html).toContain('<form method="post">')
    expect(html).toContain('Kitchen corridor, 12F east')
    // The incident the link acknowledges: what and where, its floors and alerts.
    expect(html).toContain(
      '<dt>Incident</dt><dd>Fire alarm: Tower A 12F 12-east, Kitchen corridor, 12F east</dd>',
    )
    expect(html).toContain('<dt>Floors</dt><dd>12F</dd><dt>Alerts</dt><dd>1</dd>')
    expect(html).not.toMatch(/<script/i)
    const api = apiClient(gw.httpUrl, 'brigade-token')
    expect((await api.get(`/api/v1/alerts/${alertId}`)).body.state).toBe('open')

    const form = { 'content-type': 'application/x-www-form-urlencoded' }
    const post = await fetch(url, { method: 'POST', headers: form, body: 'note=coming+up' })
    expect(post.status).toBe(200)
    expect(await post.text()).toContain('Thank you, Li Wei')
    const alert = (await api.get(`/api/v1/alerts/${alertId}`)).body
    expect(alert.state).toBe('acknowledged')
    expect(alert.history.find((e: { action: string }) => e.action === 'acknowledged')).toMatchObject({
      actor: 'contact:li-wei',
      note: 'coming up',
    })
    expect(alert.history.filter((e: { action: string }) => e.action === 'notified')).toHaveLength(3)

    // Zhang Min's link of the same incident now says who took it, and offers no button.
    const other = await waitFor(() =>
      receiver.deliveries.find((d) => d.idempotencyKey.includes(':zhang-min:')),
    )
    const otherPage = await (await fetch(gw.httpUrl + new URL(other.body.ackUrl).pathname)).text()
    expect(otherPage).toMatch(/<ul class="acks"><li>Li Wei · /)
    expect(otherPage).not.toContain('<form')

    expect((await fetch(url, { method: 'POST', headers: form, body: '' })).status).toBe(410)
    expect((await fetch(url)).status).toBe(410)
    const last = url.at(-1) === 'A' ? 'B' : 'A'
    expect((await fetch(url.slice(0, -1) + last)).status).toBe(404)

    const metrics = await api.text('/metrics')
    expect(metricValue(metrics, 'firewatch_notify_jobs_total{channel="webhook",outcome="sent"}')).toBe(3)
    expect(metricValue(metrics, 'firewatch_notify_first_request_seconds_count{class="fire"}')).toBe(1)
    expect(metricValue(metrics, 'firewatch_notify_time_to_ack_seconds_count{class="fire"}')).toBe(1)
  })

  it('When PUBLIC_URL is set, then links are built on it', async () => {
    const { gw, receiver } = await gatewayWithContacts({ PUBLIC_URL: 'https://fire.example.com/desk/' })
    const delivery = await raiseFire(gw, receiver)
    expect(delivery.body.ackUrl).toMatch(/^https:\/\/fire\.example\.com\/desk\/a\/[A-Za-z0-9_-]{18}$/)
  })
})

describe('Acknowledgement tokens', () => {
  it('When a token is altered or past its expiry, then it is refused; the key persists in DATA_DIR', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-ack-key-'))
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const key = loadOrCreateAckKey(dir)
    expect(loadOrCreateAckKey(dir).equals(key)).toBe(true)
    const claims = {
      alertId: '01KAP0000000000000000000AB',
      contact: 'li-wei',
      expiresAt: 2_000_000_000_000,
      nonce: 'n0nce',
    }
    const token = signAckToken(key, claims)
    expect(verifyAckToken(key, token, 1_999_999_999_000)).toEqual({ ok: true, claims })
    expect(verifyAckToken(key, token, 2_000_000_001_000)).toEqual({ ok: false, reason: 'expired' })
    expect(verifyAckToken(key, token.replace('li-wei', 'zhang-min'), 0)).toEqual({
      ok: false,
      reason: 'invalid',
    })
    expect(verifyAckToken(Buffer.alloc(32, 7), token, 0)).toEqual({ ok: false, reason: 'invalid' })
    writeFileSync(join(dir, 'ack-link.key'), 'not a key\n')
    expect(() => loadOrCreateAckKey(dir)).toThrow(/ack-link\.key/)
  })

  it('When a link is used after its lifetime (24 h), then it answers expired and nothing is acknowledged', async () => {
    const { h, alert, url } = await fireSentToCentre()
    const token = tokenOf(url)
    h.advance(24 * 3_600_000 + 1_000)
    expect(h.notifier.ackLinks.inspect(token)).toEqual({ status: 'expired' })
    expect(h.notifier.ackLinks.use(token, null)).toEqual({ status: 'expired' })
    expect(h.lifecycle.get(alert.id)!.state).toBe('open')
  })

  it('When a short link is altered, then it is refused; a long link of an earlier version still acknowledges', async () => {
    const { h, alert, url } = await fireSentToCentre()
    const token = tokenOf(url)
    expect(url).toMatch(/\/a\/[A-Za-z0-9_-]{18}$/)
    const key = loadOrCreateAckKey(h.dataDir)
    expect(shortTokenNonce(key, token)).toBe(token.slice(0, 10))
    const flip = (c: string) => (c === 'A' ? 'B' : 'A')
    const alteredMac = token.slice(0, -1) + flip(token.at(-1)!)
    const alteredNonce = flip(token[0]!) + token.slice(1)
    // Signed by this key but never issued: no claims to act on.
    const unissued = signShortToken(key, 'ZZZZZZZZZZ')
    for (const bad of [alteredMac, alteredNonce]) {
      expect(h.notifier.ackLinks.use(bad, null)).toEqual({ status: 'invalid' })
    }
    expect(h.notifier.ackLinks.use(unissued, null)).toEqual({ status: 'expired' })
    expect(h.lifecycle.get(alert.id)!.state).toBe('open')
    const long = signAckToken(key, {
      alertId: alert.id,
      contact: 'centre',
      expiresAt: h.clock.now() + 60_000,
      nonce: 'legacy01',
    })
    expect(h.notifier.ackLinks.use(long, null)).toMatchObject({ status: 'acknowledged' })
    expect(h.lifecycle.get(alert.id)!.state).toBe('acknowledged')
  })
})

/** A fire alert sent by webhook to the monitoring centre, with its ack link. */
async function fireSentToCentre() {
  const h: NotifyHarness = await createNotifyHarness(({ webhookUrl }) =>
    siteWith(`
contacts:
  - { id: centre, name: Centre, role: brigade, channels: [webhook], webhook: { url: "${webhookUrl}", secret: ${WEBHOOK_SECRET} } }
escalation:
  - levels: [{ targets: [centre], ackTimeoutSec: 86400 }]
`),
  )
  cleanups.push(() => h.close())
  const alert = h.raise('ta-12-smoke-01', 'fire')
  await h.dispatch()
  return { h, alert, url: h.webhook.deliveries[0]!.body.ackUrl as string }
}
