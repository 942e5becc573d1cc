import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { TWO_TOWERS } from '../notify/notify-harness.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { startWebhookReceiver, type WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { openLive } from '../support/sse-client.ts'

// The real gateway (real HTTP, real SQLite in a temp DATA_DIR, node-cron running) with a site that
// has a heightened watch on for the whole century, a patrol check every 5 min and report recipients.

const SECRET = 'whsec-schedules-0123456789'

const siteYaml = (webhookUrl: string) => `
site: { name: Schedule Estate, timezone: Asia/Shanghai }
${TWO_TOWERS}apiTokens:
  - { name: brigade, token: brigade-token, role: brigade }
  - { name: mgr-a, token: manager-a-token, role: manager, buildings: [tower-a] }
  - { name: mgr-b, token: manager-b-token, role: manager, buildings: [tower-b] }
  - { name: duty, token: duty-officer-token, role: manager, buildings: [tower-a] }
contacts:
  - { id: duty-officer, name: Duty Officer, role: security, channels: [webhook], apiTokens: [duty], webhook: { url: "${webhookUrl}", secret: ${SECRET} } }
  - { id: centre, name: Centre, role: monitoring_centre, channels: [webhook], webhook: { url: "${webhookUrl}", secret: ${SECRET} } }
escalation:
  - levels:
      - { targets: [duty-officer, centre], ackTimeoutSec: 60 }
schedules:
  watches:
    - { id: century, name: Century watch, from: "2000-01-01", to: "2099-12-31", buildings: [tower-a], rules: { smoke.prealarm: { threshold: 0.1 } } }
  patrols:
    - { id: desk, building: tower-a, everyMin: 5, confirmWithinSec: 300, contacts: [duty-officer] }
`

describe('scheduled work through the real gateway', () => {
  let gw: GatewayUnderTest
  let hook: WebhookReceiver
  const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

  beforeAll(async () => {
    hook = await startWebhookReceiver({ secret: SECRET, now: systemClock.now })
    const dir = tempDataDir()
    const site = join(dir, 'site.yaml')
    writeFileSync(site, siteYaml(hook.url))
    gw = await startTestGateway({ FIREWATCH_SITE: site, DATA_DIR: join(dir, 'data') })
  })
  afterAll(async () => {
    await gw?.stop()
    await hook?.close()
  })

  it('When a heightened watch is on, then GET /api/v1/buildings shows it on that building only', async () => {
    const { status, body } = await brigade().get('/api/v1/buildings')
    expect(status).toBe(200)
    const [a, b] = body.buildings
    expect(a).toMatchObject({
      id: 'tower-a',
      // No device of it has reported yet: unknown, never green without data.
      status: 'unknown',
      watch: { ids: ['century'], names: ['Century watch'] },
    })
    expect(a.watch.until).toBe('2099-12-31T16:00:00.000Z')
    expect(b).toMatchObject({ id: 'tower-b', watch: null })
  })

  it('When the watch is on, then the wall snapshot shows it and smoke at 0.12 dB/m raises the pre-alarm in that building only', async () => {
    const live = await openLive(gw.httpUrl, 'brigade-token')
    try {
      const snap = await live.next((e) => e.event === 'snapshot')
      expect(
        snap.data.buildings.map((b: { watch: { ids: string[] } | null }) => b.watch?.ids ?? null),
      ).toEqual([['century'], null])
    } finally {
      live.close()
    }
    const publishSmoke = async (device: string, building: string, secret: string) => {
      const client = await connectClient(gw.mqttUrl, device, secret)
      // smoke.prealarm needs 3 samples over 10 s; the watch lowers only its threshold (0.15 -> 0.1).
      // Device time a minute back (within the gateway's skew limit), so the hold needs no waiting.
      const base = systemClock.now() - 60_000
      for (const ts of [0, 5_000, 10_000]) {
        const payload = JSON.stringify({ ts: base + ts, metrics: { smoke_dbm: 0.12 } })
        await client.publishAsync(`fw/${building}/${device}/telemetry`, payload, { qos: 1 })
      }
      await client.endAsync()
    }
    await publishSmoke('ta-12-smoke-01', 'tower-a', 's3cret-ta-12')
    await publishSmoke('tb-03-smoke-01', 'tower-b', 's3cret-tb-03')
    const alerts = await waitFor(async () => {
      const list = (await brigade().get('/api/v1/alerts?class=warning')).body.alerts
      return list.length > 0 ? list : null
    })
    expect(
      alerts.map((a: { device: string; rule: string; threshold: number }) => [a.device, a.rule, a.threshold]),
    ).toEqual([['ta-12-smoke-01', 'smoke.prealarm', 0.1]])
  })

  it('When the gateway starts, then the patrol check goes out and only the on-duty token can confirm it, once', async () => {
    const sent = await waitFor(() => hook.deliveries.find((d) => d.body.alert.type === 'patrol_check'))
    const checkId = sent.body.alert.check as string
    const checks = (await brigade().get('/api/v1/patrols/checks')).body.checks
    expect(checks).toMatchObject([{ id: checkId, building: 'tower-a', status: 'pending' }])
    expect(
      (await apiClient(gw.httpUrl, 'manager-b-token').get('/api/v1/patrols/checks')).body.checks,
    ).toEqual([])
    const confirm = `/api/v1/patrols/checks/${checkId}/confirm`
    expect((await apiClient(gw.httpUrl, 'manager-b-token').post(confirm)).status).toBe(404)
    expect((await brigade().post(confirm)).status).toBe(403)
    expect((await brigade().post(confirm, { bogus: 1 })).status).toBe(400)
    const ok = await apiClient(gw.httpUrl, 'duty-officer-token').post(confirm, {})
    expect(ok).toMatchObject({
      status: 200,
      body: { status: 'confirmed', check: { confirmedBy: 'duty-officer' } },
    })
    // The one-tap link of the same check now says it is done.
    const link = new URL(sent.body.ackUrl)
    const page = await fetch(`${gw.httpUrl}${link.pathname}`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('Already confirmed.')
    // As the page's own button posts it: a form, with the (empty) note.
    const post = await fetch(`${gw.httpUrl}${link.pathname}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'note=',
    })
    expect(post.status).toBe(200)
    expect(await post.text()).toContain('Already confirmed')
    expect((await fetch(`${gw.httpUrl}/patrol/${link.pathname.split('/').pop()}x`)).status).toBe(404)
  })

  it('When reports are asked for, then JSON, HTML and the role scope work, and bad queries are 400', async () => {
    const daily = await brigade().get('/api/v1/reports/daily?building=tower-a&date=2026-11-22')
    expect(daily.status).toBe(200)
    expect(daily.body).toMatchObject({
      kind: 'daily',
      building: { id: 'tower-a', name: 'Tower A' },
      period: { label: '2026-11-22', from: '2026-11-21T16:00:00.000Z', timezone: 'Asia/Shanghai' },
      alertsByClass: { fire: 0, fault: 0 },
    })
    const html = await fetch(`${gw.httpUrl}/api/v1/reports/monthly?building=tower-a&month=2026-10`, {
      headers: { authorization: 'Bearer manager-a-token', accept: 'text/html' },
    })
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await html.text()).toContain('<h1>Monthly fire-safety report</h1>')
    const page = await apiClient(gw.httpUrl, 'manager-a-token').text(
      '/api/v1/reports/daily.html?building=tower-a',
    )
    expect(page).toContain('Daily fire-safety report')
    expect(
      (await apiClient(gw.httpUrl, 'manager-b-token').get('/api/v1/reports/daily?building=tower-a')).status,
    ).toBe(404)
    expect((await brigade().get('/api/v1/reports/daily?building=tower-z')).status).toBe(404)
    const bad = await brigade().get('/api/v1/reports/monthly?building=tower-a&month=2026-13')
    expect(bad.status).toBe(400)
    expect(bad.body.issues[0].path).toEqual(['month'])
    expect((await brigade().get('/api/v1/reports/daily?building=tower-a&date=2026-02-30')).status).toBe(400)
    expect((await brigade().get('/api/v1/reports/daily')).status).toBe(400)
    expect((await apiClient(gw.httpUrl).get('/api/v1/reports/daily?building=tower-a')).status).toBe(401)
  })

  it('When the overdue list is asked for, then it answers scoped and validated', async () => {
    expect(await brigade().get('/api/v1/overdue')).toEqual({ status: 200, body: { items: [] } })
    expect(
      (await apiClient(gw.httpUrl, 'manager-b-token').get('/api/v1/overdue?building=tower-a')).status,
    ).toBe(404)
    expect((await brigade().get('/api/v1/overdue?building=Tower')).status).toBe(400)
  })

  it('When /docs is fetched, then the schedule routes are described and every $ref resolves', async () => {
    const doc = await (await fetch(`${gw.httpUrl}/docs`)).json()
    for (const path of [
      '/api/v1/reports/daily',
      '/api/v1/reports/daily.html',
      '/api/v1/reports/monthly',
      '/api/v1/reports/monthly.html',
      '/api/v1/overdue',
      '/api/v1/patrols/checks',
      '/api/v1/patrols/checks/{id}/confirm',
      '/patrol/{token}',
    ]) {
      expect(doc.paths[path], path).toBeDefined()
    }
    expect(doc.paths['/api/v1/reports/daily'].get.parameters.map((p: { name: string }) => p.name)).toEqual([
      'building',
      'date',
    ])
    expect(doc.components.schemas.BuildingSummary.required).toContain('watch')
    const refs = [...JSON.stringify(doc).matchAll(/"\$ref":"#\/components\/(\w+)\/(\w+)"/g)]
    for (const [, kind, name] of refs) expect(doc.components[kind!][name!], `${kind}/${name}`).toBeDefined()
  })
})

describe('start-up checks of schedules', () => {
  it('When a watch names a rate rule, then the gateway refuses to start and names the field', async () => {
    const dir = tempDataDir()
    const site = join(dir, 'site.yaml')
    writeFileSync(
      site,
      siteYaml('http://127.0.0.1:9/hook').replace(
        'rules: { smoke.prealarm: { threshold: 0.1 } }',
        'rules: { pressure.rapid_drop: { threshold: 0.1 } }',
      ),
    )
    await expect(startTestGateway({ FIREWATCH_SITE: site, DATA_DIR: join(dir, 'data') })).rejects.toThrow(
      'schedules.watches[0].rules.pressure.rapid_drop: a watch tightens threshold rules only',
    )
  })
})
