import { rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { signLikeTwilio, startTwilioPeer, type TwilioPeer } from '../support/peers/twilio-peer.ts'
import type { WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { FIXTURE_WEBHOOK_SECRET, startFixtureReceiver } from './notify-fixtures.ts'

// A real gateway sending SMS to the local Twilio peer. Twilio reaches a gateway through its public
// URL (a reverse proxy in front of it): here the test plays Twilio and the proxy, signing for the
// public URL and posting to the gateway's local address.

const TWILIO = { accountSid: `AC${'c3'.repeat(16)}`, authToken: 'twilio-status-token', from: '+15005550006' }
const PUBLIC_URL = 'https://fw.example.com'
const CALLBACK_URL = `${PUBLIC_URL}/twilio/status`

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function siteYaml(webhookUrl: string): string {
  const hook = (who: string) => `{ url: "${webhookUrl}?to=${who}", secret: ${FIXTURE_WEBHOOK_SECRET} }`
  return `
site: { name: Twilio Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 32 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-1 }
  - { id: ta-14-smoke-01, building: tower-a, floor: 14, zone: 14-east, kind: smoke_detector, label: Lift lobby, secret: s3cret-2 }
  - { id: ta-16-smoke-01, building: tower-a, floor: 16, zone: 16-east, kind: smoke_detector, label: Stairs, secret: s3cret-3 }
apiTokens:
  - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
  - { name: admin, token: admin-token, role: admin }
contacts:
  - { id: li-wei, name: Li Wei, role: manager, phone: "+8613800000001", channels: [sms, webhook], webhook: ${hook('li-wei')} }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: ${hook('centre')} }
escalation:
  - levels: [{ targets: [li-wei, centre], ackTimeoutSec: 600 }]
`
}

interface Setup {
  gw: GatewayUnderTest
  sms: TwilioPeer
  receiver: WebhookReceiver
  /** Stops the gateway and starts another on the same DATA_DIR and peers (gw is the new one). */
  restart(): Promise<void>
}

/** Wall time, moved forward by the test (the held-report expiry runs on the gateway's clock). */
class ShiftedClock {
  offsetMs = 0
  now = () => Date.now() + this.offsetMs
}

async function gateway(clock?: ShiftedClock): Promise<Setup> {
  const sms = await startTwilioPeer(TWILIO)
  cleanups.push(() => sms.close())
  const receiver = await startFixtureReceiver()
  cleanups.push(() => receiver.close())
  const dir = tempDataDir()
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, 'site.yaml'), siteYaml(receiver.url))
  const start = () =>
    startTestGateway(
      {
        FIREWATCH_SITE: join(dir, 'site.yaml'),
        DATA_DIR: join(dir, 'data'),
        PUBLIC_URL,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: TWILIO.accountSid,
        TWILIO_AUTH_TOKEN: TWILIO.authToken,
        TWILIO_FROM: TWILIO.from,
        TWILIO_BASE_URL: sms.baseUrl,
      },
      clock ? { clock } : {},
    )
  const setup: Setup = {
    gw: await start(),
    sms,
    receiver,
    async restart() {
      await setup.gw.stop()
      setup.gw = await start()
    },
  }
  cleanups.push(() => setup.gw.stop())
  return setup
}

/** A fire alarm from the device; resolves with the SMS Twilio accepted for it. */
async function fire({ gw, sms }: Setup, device: string, secret: string) {
  const before = sms.messages.length
  const client = await connectClient(gw.mqttUrl, device, secret)
  cleanups.push(() => client.endAsync(true))
  await client.publishAsync(`fw/tower-a/${device}/event`, JSON.stringify({ event: 'fire_alarm' }), { qos: 1 })
  const message = await waitFor(() => sms.messages[before])
  const alerts = (await apiClient(gw.httpUrl, 'admin-token').get('/api/v1/alerts')).body.alerts
  const alert = alerts.find((a: { device: string }) => a.device === device)
  return { sid: message.sid, alertId: alert.id as string, incidentId: alert.incident as string, message }
}

/** Posts a status callback the way Twilio does: form-encoded, signed for the URL it was given. */
async function postStatus(
  gw: GatewayUnderTest,
  params: Record<string, string>,
  sign: { token?: string; url?: string } = {},
) {
  const form = { AccountSid: TWILIO.accountSid, ApiVersion: '2010-04-01', To: '+8613800000001', ...params }
  const signature = signLikeTwilio(sign.token ?? TWILIO.authToken, sign.url ?? CALLBACK_URL, form)
  const response = await fetch(`${gw.httpUrl}/twilio/status`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    body: new URLSearchParams(form),
  })
  const text = await response.text()
  return { status: response.status, body: text ? JSON.parse(text) : null }
}

const historyNotes = async (gw: GatewayUnderTest, alertId: string): Promise<string[]> =>
  (await apiClient(gw.httpUrl, 'admin-token').get(`/api/v1/alerts/${alertId}`)).body.history.map(
    (e: { note: string | null }) => e.note ?? '',
  )

describe('Twilio status callbacks', () => {
  it('When Twilio reports a message delivered, then the signed callback is recorded on the job; forged or unsigned ones get 403', async () => {
    const setup = await gateway()
    const { gw } = setup
    const { sid, alertId, message } = await fire(setup, 'ta-12-smoke-01', 's3cret-1')
    expect(message.statusCallback).toBe(CALLBACK_URL)

    const status = (s: string) => ({ MessageSid: sid, SmsSid: sid, MessageStatus: s, SmsStatus: s })
    expect((await postStatus(gw, status('delivered'), { token: 'not-the-auth-token' })).status).toBe(403)
    // Signed for the gateway's local address instead of the URL Twilio was given.
    const local = await postStatus(gw, status('delivered'), { url: `${gw.httpUrl}/twilio/status` })
    expect(local).toMatchObject({ status: 403, body: { error: 'FGW_ERR_TWILIO_SIGNATURE' } })
    const unsigned = await fetch(`${gw.httpUrl}/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(status('delivered')),
    })
    expect(unsigned.status).toBe(403)
    expect((await historyNotes(gw, alertId)).some((n) => n.includes('delivered'))).toBe(false)

    expect((await postStatus(gw, status('sent'))).status).toBe(204)
    expect((await postStatus(gw, status('delivered'))).status).toBe(204)
    // Late and repeated callbacks change nothing once the message is delivered.
    expect((await postStatus(gw, status('sent'))).status).toBe(204)
    expect((await postStatus(gw, status('delivered'))).status).toBe(204)
    const delivered = (await historyNotes(gw, alertId)).filter((n) =>
      n.endsWith(': delivered (provider report)'),
    )
    expect(delivered).toEqual(['sms to li-wei (level 1, send 1): delivered (provider report)'])
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_notify_jobs_total{channel="sms",outcome="delivered"}')).toBe(1)

    const invalid = await postStatus(gw, { MessageStatus: 'delivered' })
    expect(invalid.status).toBe(400)
    expect(invalid.body.issues).toEqual([expect.objectContaining({ path: ['MessageSid'] })])
  })

  it('When Twilio reports the number unknown (30005), then SMS is marked bad, the webhook gets the alert at once, and an admin can clear the mark', async () => {
    const setup = await gateway()
    const { gw, receiver, sms } = setup
    const first = await fire(setup, 'ta-12-smoke-01', 's3cret-1')
    const report = { MessageSid: first.sid, MessageStatus: 'undelivered', ErrorCode: '30005' }
    expect((await postStatus(gw, report)).status).toBe(204)
    await waitFor(() => receiver.received(`${first.incidentId}:li-wei:webhook:0:0`) === 1)
    expect(await historyNotes(gw, first.alertId)).toContain(
      'sms to li-wei (level 1, send 1): undelivered (twilio undelivered 30005: unknown destination handset), channel marked bad',
    )

    const admin = apiClient(gw.httpUrl, 'admin-token')
    const listed = await admin.get('/api/v1/contacts?bad=true')
    expect(listed.status).toBe(200)
    expect(listed.body.contacts).toEqual([
      expect.objectContaining({
        id: 'li-wei',
        channels: [
          {
            channel: 'sms',
            address: '+8613800000001',
            bad: {
              since: expect.any(String),
              reason: 'twilio undelivered 30005: unknown destination handset',
            },
          },
          { channel: 'webhook', address: expect.stringContaining('to=li-wei'), bad: null },
        ],
      }),
    ])

    // While marked bad, the next fire goes straight to the webhook (a new incident: the first is
    // resolved, else the alarm would only join it).
    const manager = apiClient(gw.httpUrl, 'manager-a-token')
    expect((await manager.post(`/api/v1/alerts/${first.alertId}/resolve`, {})).status).toBe(200)
    const second = await fireWithoutSms(setup, 'ta-14-smoke-01', 's3cret-2')
    await waitFor(() => receiver.received(`${second.incidentId}:li-wei:webhook:0:0`) === 1)
    expect(sms.messages).toHaveLength(1)

    const reset = await admin.post('/api/v1/contacts/li-wei/channels/sms/reset')
    expect(reset.status).toBe(200)
    expect(reset.body).toMatchObject({ cleared: 1, contact: { id: 'li-wei', channels: [{ bad: null }, {}] } })
    expect((await admin.get('/api/v1/contacts?bad=true')).body.contacts).toEqual([])
    expect((await admin.post('/api/v1/contacts/li-wei/channels/sms/reset')).body.cleared).toBe(0)
    expect((await manager.post(`/api/v1/alerts/${second.alertId}/resolve`, {})).status).toBe(200)
    const third = await fire(setup, 'ta-16-smoke-01', 's3cret-3')
    expect(third.message.to).toBe('+8613800000001')
  })
})

describe('Twilio status callbacks that overtake the answer to the send', () => {
  /** The peer's early callbacks go where Twilio's would: through the proxy to the gateway. */
  const viaProxy = (gw: GatewayUnderTest) => (url: string) => url.replace(PUBLIC_URL, gw.httpUrl)
  const metric = async (gw: GatewayUnderTest, sample: string) =>
    metricValue(await apiClient(gw.httpUrl).text('/metrics'), sample)

  it('When Twilio reports delivered before it answers the send, then the report is held and recorded once the SID is', async () => {
    const setup = await gateway()
    const { gw, sms } = setup
    sms.reportBeforeAnswer(['sent', 'delivered'], viaProxy(gw))
    const { alertId } = await fire(setup, 'ta-12-smoke-01', 's3cret-1')
    expect(sms.earlyCallbackAnswers).toEqual([204, 204])

    await waitFor(async () =>
      (await historyNotes(gw, alertId)).includes(
        'sms to li-wei (level 1, send 1): delivered (provider report)',
      ),
    )
    const notes = await historyNotes(gw, alertId)
    const sent = notes.findIndex((n) => n.startsWith('sms to li-wei (level 1, send 1, attempt 1): sent'))
    expect(sent).toBeGreaterThanOrEqual(0)
    expect(notes.indexOf('sms to li-wei (level 1, send 1): delivered (provider report)')).toBeGreaterThan(
      sent,
    )
    expect(await metric(gw, 'firewatch_notify_jobs_total{channel="sms",outcome="delivered"}')).toBe(1)
    expect(await metric(gw, 'firewatch_notify_held_reports_total{channel="sms",outcome="held"}')).toBe(2)
    expect(await metric(gw, 'firewatch_notify_held_reports_total{channel="sms",outcome="applied"}')).toBe(2)
  })

  it('When Twilio reports the number unknown (30005) before it answers, then SMS is marked bad and the webhook gets the alert at once', async () => {
    const setup = await gateway()
    const { gw, sms, receiver } = setup
    sms.reportBeforeAnswer(['undelivered'], viaProxy(gw), '30005')
    const { alertId, incidentId } = await fire(setup, 'ta-12-smoke-01', 's3cret-1')
    expect(sms.earlyCallbackAnswers).toEqual([204])
    await waitFor(() => receiver.received(`${incidentId}:li-wei:webhook:0:0`) === 1)
    expect(await historyNotes(gw, alertId)).toContain(
      'sms to li-wei (level 1, send 1): undelivered (twilio undelivered 30005: unknown destination handset), channel marked bad',
    )
    const contact = (await apiClient(gw.httpUrl, 'admin-token').get('/api/v1/contacts/li-wei')).body
    expect(contact.channels[0]).toMatchObject({
      channel: 'sms',
      bad: { reason: expect.stringContaining('30005') },
    })
  })

  it('When a report names a SID the gateway never records, then it is answered 204, held, and dropped after five minutes', async () => {
    const clock = new ShiftedClock()
    const { gw } = await gateway(clock)
    const sid = `SM${'0f'.repeat(16)}`
    expect((await postStatus(gw, { MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204)
    expect(await metric(gw, 'firewatch_notify_held_reports_total{channel="sms",outcome="held"}')).toBe(1)
    clock.offsetMs = 5 * 60_000 + 1_000
    await waitFor(
      async () =>
        (await metric(gw, 'firewatch_notify_held_reports_total{channel="sms",outcome="expired"}')) === 1,
    )
    expect(await metric(gw, 'firewatch_notify_held_reports_total{channel="sms",outcome="applied"}')).toBe(0)
  })
})

describe('Twilio status callbacks with bodies Twilio never sends', () => {
  it('When a callback is not form-encoded (JSON, text, no type), then 415 FGW_ERR_TWILIO_MEDIA_TYPE, whatever its signature; never a 500', async () => {
    const { gw } = await gateway()
    const sid = `SM${'6b'.repeat(16)}`
    const fields = { MessageSid: sid, MessageStatus: 'delivered' }
    const signed = signLikeTwilio(TWILIO.authToken, CALLBACK_URL, fields)
    const bodies: [string | undefined, string][] = [
      ['application/json', JSON.stringify({ ...fields, ErrorCode: 30005, Extra: { nested: [1, 2] } })],
      ['application/json', JSON.stringify(fields)],
      ['application/json', '[1, 2, 3]'],
      ['application/json', '{"MessageSid": '],
      ['text/plain', new URLSearchParams(fields).toString()],
      [
        'multipart/form-data; boundary=x',
        '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\n1\r\n--x--',
      ],
      [undefined, new URLSearchParams(fields).toString()],
    ]
    for (const signature of [signed, 'not-a-signature']) {
      for (const [type, body] of bodies) {
        const res = await fetch(`${gw.httpUrl}/twilio/status`, {
          method: 'POST',
          headers: { 'x-twilio-signature': signature, ...(type ? { 'content-type': type } : {}) },
          body: type ? body : new Blob([body]),
        })
        const answer = (await res.json()) as { error: string; message: string }
        expect(res.status, `${type} ${body}`).toBe(415)
        expect(answer).toMatchObject({
          error: 'FGW_ERR_TWILIO_MEDIA_TYPE',
          message: 'Twilio status callbacks are application/x-www-form-urlencoded',
        })
      }
    }
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_http_refused_total{reason="twilio_media_type"}')).toBe(
      2 * bodies.length,
    )

    // Form-encoded but odd: a bad signature is 403, a signed one without the fields is 400.
    const odd = new URLSearchParams([
      ['MessageSid', sid],
      ['MessageSid', 'again'],
      ['__proto__', 'x'],
      ['constructor', 'y'],
    ])
    const forged = await fetch(`${gw.httpUrl}/twilio/status`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signed },
      body: odd,
    })
    expect(forged.status).toBe(403)
    expect(
      metricValue(
        await apiClient(gw.httpUrl).text('/metrics'),
        'firewatch_http_refused_total{reason="twilio_signature"}',
      ),
    ).toBe(1)
    expect((await postStatus(gw, { MessageSid: 'SMnot-a-sid' })).status).toBe(400)
  })
})

describe('Held Twilio status callbacks across a restart', () => {
  it('When a report came before the SID and the gateway restarts, then the send after the restart still gets it', async () => {
    const setup = await gateway()
    const sid = `SM${'5a'.repeat(16)}`
    expect((await postStatus(setup.gw, { MessageSid: sid, MessageStatus: 'delivered' })).status).toBe(204)
    await setup.restart()
    setup.sms.useSid(sid)
    const { alertId } = await fire(setup, 'ta-12-smoke-01', 's3cret-1')
    await waitFor(async () =>
      (await historyNotes(setup.gw, alertId)).includes(
        'sms to li-wei (level 1, send 1): delivered (provider report)',
      ),
    )
  })
})

describe('Contacts admin API', () => {
  it('When a non-admin or a bad request asks, then 401, 403, 400 with zod issues, or 404 answer', async () => {
    const { gw } = await gateway()
    const admin = apiClient(gw.httpUrl, 'admin-token')
    const manager = apiClient(gw.httpUrl, 'manager-a-token')
    expect((await apiClient(gw.httpUrl).get('/api/v1/contacts')).status).toBe(401)
    expect(await manager.get('/api/v1/contacts')).toMatchObject({
      status: 403,
      body: { error: 'FGW_ERR_HTTP_FORBIDDEN' },
    })
    expect((await manager.post('/api/v1/contacts/li-wei/channels/sms/reset')).status).toBe(403)
    expect((await manager.get('/api/v1/contacts/li-wei')).status).toBe(403)

    const all = await admin.get('/api/v1/contacts')
    expect(all.body.contacts.map((c: { id: string }) => c.id)).toEqual(['li-wei', 'centre'])
    expect((await admin.get('/api/v1/contacts/centre')).body).toMatchObject({
      id: 'centre',
      role: 'monitoring_centre',
      buildings: null,
      pushSubscriptions: [],
    })
    const badChannel = await admin.post('/api/v1/contacts/li-wei/channels/fax/reset')
    expect(badChannel.status).toBe(400)
    expect(badChannel.body.issues).toEqual([expect.objectContaining({ path: ['channel'] })])
    const badQuery = await admin.get('/api/v1/contacts?bad=maybe&x=1')
    expect(badQuery.status).toBe(400)
    expect(badQuery.body.issues.map((i: { path: string[] }) => i.path.join('.')).sort()).toEqual(['', 'bad'])
    expect((await admin.post('/api/v1/contacts/nobody/channels/sms/reset')).status).toBe(404)
    expect((await admin.get('/api/v1/contacts/Li_Wei')).status).toBe(400)

    const doc = (await apiClient(gw.httpUrl).get('/docs')).body
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    )
    expect(routes).toEqual(
      expect.arrayContaining([
        'get /api/v1/contacts',
        'get /api/v1/contacts/{id}',
        'post /api/v1/contacts/{id}/channels/{channel}/reset',
        'post /twilio/status',
      ]),
    )
    expect(doc.components.schemas.ContactState).toBeDefined()
  })
})

/** A fire alarm whose SMS is not expected (the channel is marked bad); resolves with its ids. */
async function fireWithoutSms({ gw }: Setup, device: string, secret: string) {
  const client = await connectClient(gw.mqttUrl, device, secret)
  cleanups.push(() => client.endAsync(true))
  await client.publishAsync(`fw/tower-a/${device}/event`, JSON.stringify({ event: 'fire_alarm' }), { qos: 1 })
  const admin = apiClient(gw.httpUrl, 'admin-token')
  const alert = await waitFor(async () =>
    (await admin.get('/api/v1/alerts')).body.alerts.find((a: { device: string }) => a.device === device),
  )
  return { alertId: alert.id as string, incidentId: alert.incident as string }
}
