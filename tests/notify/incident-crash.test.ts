import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import type { WebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { startFixtureReceiver, writeNotifySite } from './notify-fixtures.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const FIRE = JSON.stringify({ event: 'fire_alarm' })
const TOLD = ['li-wei', 'zhang-min', 'centre']

interface AlertJson {
  id: string
  rule: string
  device: string | null
  state: string
  building: string
  incident: string | null
}

describe('An incident survives kill -9', () => {
  it('When the gateway is killed with pages of an incident in flight and restarted, then the incident, its members and its pages are intact and nobody gets a second first page', async () => {
    const receiver: WebhookReceiver = await startFixtureReceiver()
    cleanups.push(() => receiver.close())
    const dir = tempDataDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const env = { FIREWATCH_SITE: writeNotifySite(dir, receiver.url), DATA_DIR: dir }
    // In arrival order: one delivered, one left hanging (in flight at the kill), one told to retry.
    receiver.script({ status: 200 }, { delayMs: 60_000 }, { status: 503 })
    const first: GatewayChild = await spawnTestGateway(env)
    cleanups.push(() => first.stop())
    const brigade = (gw: GatewayChild) => apiClient(gw.httpUrl, 'brigade-token')
    await alarm(first, 'ta-12-smoke-01', 's3cret-ta-12')
    const [opened] = await waitFor(() => alertsOf(first, 1))
    const incident = opened!.incident!
    const keys = TOLD.map((c) => `${incident}:${c}:webhook:0:0`)
    await waitFor(() => keys.every((k) => receiver.received(k) === 1), 5_000, 5)
    const recorded = await waitFor(() => sentContacts(first, opened!.id), 5_000, 5)
    // A second detector of the zone: it joins the incident with the confirmation it brings (a
    // material growth: those told get an update, nobody a second first page).
    await alarm(first, 'ta-12-smoke-02', 's3cret-ta-12b')
    await waitFor(() => alertsOf(first, 3))
    await first.kill9()

    const second = await spawnTestGateway(env)
    cleanups.push(() => second.stop())
    const delivered = (k: string) => receiver.deliveries.filter((d) => d.idempotencyKey === k).length
    const updates = TOLD.map((c) => `${incident}:${c}:webhook:update:0`)
    await waitFor(() => [...keys, ...updates].every((k) => delivered(k) >= 1), 10_000)
    // Drained as in crash.test.ts: a later incident's pages go out, then nothing is pending.
    await alarm(second, 'tb-03-smoke-01', 's3cret-tb-03')
    const later = await waitFor(async () =>
      (await alertsOf(second, 4))?.find((a) => a.building === 'tower-b'),
    )
    const laterKeys = ['chen-jie', 'centre'].map((c) => `${later.incident}:${c}:webhook:0:0`)
    await waitFor(() => laterKeys.every((k) => delivered(k) === 1))
    const metrics = async () =>
      metricValue(await brigade(second).text('/metrics'), 'firewatch_notify_jobs_pending')
    await waitFor(async () => (await metrics()) === 0, 10_000)

    // The incident and its three members, as before the kill.
    const members = (await alertsOf(second, 4))!.filter((a) => a.building === 'tower-a')
    expect(members.map((a) => [a.rule, a.device ?? '-', a.state, a.incident]).sort()).toEqual([
      ['device.fire_alarm', 'ta-12-smoke-01', 'open', incident],
      ['device.fire_alarm', 'ta-12-smoke-02', 'open', incident],
      ['fire.confirmed', '-', 'open', incident],
    ])
    const db = new Database(join(dir, 'alerts.db'), { readonly: true })
    cleanups.push(() => {
      db.close()
    })
    expect(db.prepare('SELECT state, floors FROM incidents WHERE id = ?').get(incident)).toEqual({
      state: 'open',
      floors: '[12]',
    })
    const jobs = db
      .prepare('SELECT contact, kind, state FROM notify_jobs WHERE incident_id = ? ORDER BY contact, id')
      .all(incident)
    expect(jobs).toEqual(
      [...TOLD].sort().flatMap((contact) => [
        { contact, kind: 'alert', state: 'sent' },
        { contact, kind: 'update', state: 'sent' },
      ]),
    )
    // One first page per person: one key each, sent at least once, at most twice (the one in
    // flight at the kill), once if it was recorded as sent before the kill.
    const towerA = receiver.deliveries.filter((d) => !d.idempotencyKey.startsWith(`${later.incident}:`))
    expect([...new Set(towerA.map((d) => d.idempotencyKey))].sort()).toEqual([...keys, ...updates].sort())
    for (const k of [...keys, ...updates]) expect(receiver.received(k), k).toBeLessThanOrEqual(2)
    for (const contact of recorded) expect(receiver.received(`${incident}:${contact}:webhook:0:0`)).toBe(1)
  })
})

async function alarm(gw: GatewayChild, device: string, secret: string): Promise<void> {
  const client = await connectClient(gw.mqttUrl, device, secret)
  cleanups.push(() => client.endAsync(true))
  const building = device.startsWith('ta-') ? 'tower-a' : 'tower-b'
  await client.publishAsync(`fw/${building}/${device}/event`, FIRE, { qos: 1 })
}

/** The gateway's alerts once there are `count` of them, each filed into an incident; else null. */
async function alertsOf(gw: GatewayChild, count: number): Promise<AlertJson[] | null> {
  const alerts = (await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/alerts')).body
    .alerts as AlertJson[]
  return alerts.length >= count && alerts.every((a) => a.incident !== null) ? alerts : null
}

/** Contacts whose page the gateway recorded as sent (from the lead alert's history); null while none. */
async function sentContacts(gw: GatewayChild, alertId: string): Promise<string[] | null> {
  const alert = (await apiClient(gw.httpUrl, 'brigade-token').get(`/api/v1/alerts/${alertId}`)).body
  const contacts = (alert.history as { note: string | null }[]).flatMap((e) => {
    const sent = /^webhook to ([a-z-]+) .*: sent, provider id/.exec(e.note ?? '')
    return sent ? [sent[1]!] : []
  })
  return contacts.length > 0 ? contacts : null
}
