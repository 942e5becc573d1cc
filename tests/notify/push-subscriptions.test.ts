import { createECDH, randomBytes } from 'node:crypto'
import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { apiClient, metricValue } from '../support/api-client.ts'
import { startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { startFixtureReceiver, writeNotifySite } from './notify-fixtures.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function gateway(env: Record<string, string> = {}, editSite: (yaml: string) => string = (y) => y) {
  const receiver = await startFixtureReceiver()
  cleanups.push(() => receiver.close())
  const siteDir = tempDataDir()
  cleanups.push(() => rmSync(siteDir, { recursive: true, force: true }))
  const site = writeNotifySite(siteDir, receiver.url)
  writeFileSync(site, editSite(readFileSync(site, 'utf8')))
  const gw = await startTestGateway({ FIREWATCH_SITE: site, ...env })
  cleanups.push(() => gw.stop())
  return gw
}

/** The notify site with the push channel for chen-jie too (the contact linked to mgr-b). */
const chenJieWithPush = (yaml: string) =>
  yaml.replace(
    /(id: chen-jie, [^\n]*?)channels: \[webhook\]/,
    (_m, head: string) => `${head}channels: [push, webhook]`,
  )

/** What a browser's PushSubscription.toJSON() gives, with a real P-256 key. */
function browserSubscription(
  endpoint = `https://fcm.googleapis.com/fcm/send/${randomBytes(8).toString('hex')}`,
) {
  const p256dh = createECDH('prime256v1').generateKeys().toString('base64url')
  return { endpoint, expirationTime: null, keys: { p256dh, auth: randomBytes(16).toString('base64url') } }
}

describe('Push subscriptions API', () => {
  it('When a manager registers the browser of the contact linked to the token, then it is stored; others may not touch it', async () => {
    const gw = await gateway({ VAPID_SUBJECT: 'mailto:ops@example.com' })
    const mgrA = apiClient(gw.httpUrl, 'manager-a-token')
    const mgrB = apiClient(gw.httpUrl, 'manager-b-token')
    const key = await mgrA.get('/api/v1/push/vapid-public-key')
    expect(key.status).toBe(200)
    expect(key.body.publicKey).toMatch(/^[A-Za-z0-9_-]{87}$/)
    expect((await apiClient(gw.httpUrl).get('/api/v1/push/vapid-public-key')).status).toBe(401)

    const sub = browserSubscription()
    const created = await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...sub })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ contact: 'li-wei', endpoint: sub.endpoint })
    const again = await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...sub })
    expect(again.status).toBe(200)
    expect(again.body.id).toBe(created.body.id)

    const foreign = await mgrB.post('/api/v1/push/subscriptions', {
      contact: 'li-wei',
      ...browserSubscription(),
    })
    expect(foreign.status).toBe(404)
    expect(foreign.body.error).toBe('FGW_ERR_PUSH_CONTACT')
    const del = (client: typeof mgrA, path: string, body?: unknown) =>
      fetch(gw.httpUrl + path, {
        method: 'DELETE',
        headers: {
          authorization: `Bearer ${client === mgrA ? 'manager-a-token' : 'manager-b-token'}`,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { body: JSON.stringify(body) } : {}),
      })
    expect((await del(mgrB, `/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(404)
    expect((await del(mgrA, `/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(204)
    expect((await del(mgrA, `/api/v1/push/subscriptions/${created.body.id}`)).status).toBe(404)

    const second = browserSubscription()
    expect((await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...second })).status).toBe(201)
    expect((await del(mgrA, '/api/v1/push/subscriptions', { endpoint: second.endpoint })).status).toBe(204)
  })

  it("When a manager registers an endpoint that belongs to another manager's contact, then 409 and it stays where it was", async () => {
    const gw = await gateway({ VAPID_SUBJECT: 'mailto:ops@example.com' }, chenJieWithPush)
    const mgrA = apiClient(gw.httpUrl, 'manager-a-token')
    const mgrB = apiClient(gw.httpUrl, 'manager-b-token')
    const phone = browserSubscription()
    expect((await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...phone })).status).toBe(201)

    // mgr-b knows the endpoint of li-wei's phone and signs it up for its own contact.
    const taken = await mgrB.post('/api/v1/push/subscriptions', { contact: 'chen-jie', ...phone })
    expect(taken.status).toBe(409)
    expect(taken.body).toMatchObject({ error: 'FGW_ERR_PUSH_ENDPOINT_TAKEN', message: expect.any(String) })
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_http_refused_total{reason="push_endpoint_taken"}')).toBe(1)

    // Still li-wei's: its manager may re-register it (200, same id) and remove it.
    const again = await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...phone })
    expect(again.status).toBe(200)
    expect(again.body.contact).toBe('li-wei')
    // An admin may move it (it may manage both contacts); its own contact's manager then owns it.
    const admin = apiClient(gw.httpUrl, 'admin-token')
    const moved = await admin.post('/api/v1/push/subscriptions', { contact: 'chen-jie', ...phone })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({ id: again.body.id, contact: 'chen-jie' })
    expect((await mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...phone })).status).toBe(409)
    expect((await mgrB.post('/api/v1/push/subscriptions', { contact: 'chen-jie', ...phone })).status).toBe(
      200,
    )
  })

  it('When the body is not a usable subscription, then 400 names the field', async () => {
    const gw = await gateway()
    const admin = apiClient(gw.httpUrl, 'admin-token')
    const good = browserSubscription()
    const cases: [unknown, string][] = [
      [
        { contact: 'li-wei', ...good, keys: { ...good.keys, p256dh: randomBytes(32).toString('base64url') } },
        'keys.p256dh',
      ],
      [{ contact: 'li-wei', ...good, keys: { ...good.keys, auth: 'short' } }, 'keys.auth'],
      [{ contact: 'li-wei', ...good, endpoint: 'http://fcm.googleapis.com/x' }, 'endpoint'],
      [{ contact: 'zhang-min', ...good }, 'contact'],
    ]
    for (const [body, field] of cases) {
      const res = await admin.post('/api/v1/push/subscriptions', body)
      expect(res.status, field).toBe(400)
      expect(
        res.body.issues.map((i: { path: string[] }) => i.path.join('.')),
        field,
      ).toContain(field)
    }
  })

  it('When the endpoint is not on a push service (loopback, private, metadata, other hosts), then 400 names it and nothing is stored', async () => {
    const gw = await gateway({ VAPID_SUBJECT: 'mailto:ops@example.com' })
    const mgrA = apiClient(gw.httpUrl, 'manager-a-token')
    const refused = [
      `https://127.0.0.1:${new URL(gw.httpUrl).port}/push/x`,
      'https://localhost/push/x',
      'https://10.0.0.5/push/x',
      'https://192.168.1.20/push/x',
      'https://169.254.169.254/latest/meta-data/',
      'https://[::1]/push/x',
      'https://[fd00::5]/push/x',
      // The URL parser's other spellings of 127.0.0.1, and a user name that looks like a host.
      'https://2130706433/push/x',
      'https://0x7f.1/push/x',
      'https://fcm.googleapis.com@127.0.0.1/push/x',
      // Look-alikes of the allowed hosts.
      'https://fcm.googleapis.com.evil.example/fcm/send/x',
      'https://evilfcm.googleapis.com/fcm/send/x',
      'https://notify.windows.com/w/?token=x',
      'https://push.example.net/send/x',
    ]
    for (const endpoint of refused) {
      const res = await mgrA.post('/api/v1/push/subscriptions', {
        contact: 'li-wei',
        ...browserSubscription(endpoint),
      })
      expect(res.status, endpoint).toBe(400)
      expect(res.body.error, endpoint).toBe('FGW_ERR_HTTP_VALIDATION')
      expect(res.body.issues, endpoint).toEqual([
        {
          code: 'custom',
          path: ['endpoint'],
          message: expect.stringContaining('is not in PUSH_SERVICE_HOSTS'),
        },
      ])
    }
    const metrics = await apiClient(gw.httpUrl).text('/metrics')
    expect(metricValue(metrics, 'firewatch_http_refused_total{reason="push_endpoint_host"}')).toBe(
      refused.length,
    )
    // Nothing was stored: removing any of them finds nothing.
    const gone = await fetch(`${gw.httpUrl}/api/v1/push/subscriptions`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ endpoint: refused[0] }),
    })
    expect(gone.status).toBe(404)

    // The real push services are accepted by default, a WNS region and a trailing-dot spelling too.
    for (const endpoint of [
      'https://fcm.googleapis.com/wp/abc',
      'https://updates.push.services.mozilla.com/wpush/v2/abc',
      'https://wns2-par02p.notify.windows.com/w/?token=abc',
      'https://web.push.apple.com/QGx-abc',
      'https://fcm.googleapis.com./fcm/send/abc',
    ]) {
      const res = await mgrA.post('/api/v1/push/subscriptions', {
        contact: 'li-wei',
        ...browserSubscription(endpoint),
      })
      expect(res.status, endpoint).toBe(201)
    }
  })

  it('When PUSH_SERVICE_HOSTS names a local push service, then its endpoints are accepted and others are not', async () => {
    const gw = await gateway({
      VAPID_SUBJECT: 'mailto:ops@example.com',
      PUSH_SERVICE_HOSTS: '127.0.0.1, ::1',
    })
    const mgrA = apiClient(gw.httpUrl, 'manager-a-token')
    const post = (endpoint: string) =>
      mgrA.post('/api/v1/push/subscriptions', { contact: 'li-wei', ...browserSubscription(endpoint) })
    expect((await post('https://127.0.0.1:8443/push/one')).status).toBe(201)
    expect((await post('https://[::1]:8443/push/two')).status).toBe(201)
    expect((await post('https://fcm.googleapis.com/fcm/send/three')).status).toBe(400)
  })

  it('When Web Push is not configured, then the VAPID key route says so', async () => {
    const gw = await gateway()
    const res = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/push/vapid-public-key')
    expect(res.status).toBe(404)
    expect(res.body.error).toBe('FGW_ERR_PUSH_UNAVAILABLE')
  })

  it('When /docs is fetched from a gateway with notifications, then it describes the push and link routes', async () => {
    const gw = await gateway()
    const doc = (await apiClient(gw.httpUrl).get('/docs')).body
    const routes = Object.entries(doc.paths as Record<string, object>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method} ${path}`),
    )
    expect(routes).toEqual(
      expect.arrayContaining([
        'get /a/{token}',
        'post /a/{token}',
        'get /ack/{token}',
        'post /ack/{token}',
        'get /api/v1/push/vapid-public-key',
        'post /api/v1/push/subscriptions',
        'delete /api/v1/push/subscriptions',
        'delete /api/v1/push/subscriptions/{id}',
      ]),
    )
    const refs = JSON.stringify(doc).match(/#\/components\/schemas\/\w+/g) ?? []
    for (const r of refs) expect(doc.components.schemas[r.split('/').at(-1)!], r).toBeDefined()
    expect(doc.components.schemas.PushSubscriptionBody.required).toEqual(['contact', 'endpoint', 'keys'])
  })
})
