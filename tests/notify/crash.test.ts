import { rmSync } from 'node:fs'
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

describe('The outbox survives kill -9', () => {
  it('When the gateway is killed mid-dispatch and restarted, then every job is delivered at least once and at most twice', async () => {
    const receiver: WebhookReceiver = await startFixtureReceiver()
    cleanups.push(() => receiver.close())
    const dir = tempDataDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    const env = { FIREWATCH_SITE: writeNotifySite(dir, receiver.url), DATA_DIR: dir }
    // In arrival order: one delivered, one left hanging (in flight at the kill), one told to retry.
    receiver.script({ status: 200 }, { delayMs: 60_000 }, { status: 503 })
    const first: GatewayChild = await spawnTestGateway(env)
    cleanups.push(() => first.stop())
    const smoke = await connectClient(first.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    await smoke.publishAsync('fw/tower-a/ta-12-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    const alerts = (await apiClient(first.httpUrl, 'brigade-token').get('/api/v1/alerts')).body.alerts
    const keys = ['li-wei', 'zhang-min', 'centre'].map((c) => `${alerts[0].incident}:${c}:webhook:0:0`)
    await waitFor(() => keys.every((k) => receiver.received(k) === 1), 5_000, 5)
    // Kill once the delivered job is recorded as sent; the hanging one is still in flight.
    const recorded = await waitFor(() => sentContacts(first, alerts[0].id), 5_000, 5)
    await first.kill9()
    await smoke.endAsync(true)
    expect(receiver.deliveries.length).toBeLessThan(3)

    const second = await spawnTestGateway(env)
    cleanups.push(() => second.stop())
    const delivered = (k: string) => receiver.deliveries.filter((d) => d.idempotencyKey === k).length
    await waitFor(() => keys.every((k) => delivered(k) >= 1), 10_000)
    // No blind wait for a wrongful third send. First a later alert (tower-b: chen-jie and the
    // centre) must go out: jobs are claimed by due time and the first alert's are all due, so a
    // resend of one of them is claimed no later than these. Then the outbox must be empty: every
    // send claims a pending job, and the receiver counts a request before the gateway records its
    // outcome, so from then on no send is in flight and none can start.
    const later = await connectClient(second.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
    cleanups.push(() => later.endAsync(true))
    await later.publishAsync('fw/tower-b/tb-03-smoke-01/event', JSON.stringify({ event: 'fire_alarm' }), {
      qos: 1,
    })
    const brigade = apiClient(second.httpUrl, 'brigade-token')
    const laterAlert = await waitFor(async () =>
      (await brigade.get('/api/v1/alerts')).body.alerts.find(
        (a: { building: string }) => a.building === 'tower-b',
      ),
    )
    const laterKeys = ['chen-jie', 'centre'].map((c) => `${laterAlert.incident}:${c}:webhook:0:0`)
    await waitFor(() => laterKeys.every((k) => delivered(k) === 1), 10_000)
    await waitFor(
      async () => metricValue(await brigade.text('/metrics'), 'firewatch_notify_jobs_pending') === 0,
      10_000,
    )
    for (const k of keys) {
      expect(delivered(k), k).toBeGreaterThanOrEqual(1)
      expect(receiver.received(k), k).toBeLessThanOrEqual(2)
    }
    // A job recorded as sent before the kill is not sent again.
    for (const contact of recorded)
      expect(receiver.received(`${alerts[0].incident}:${contact}:webhook:0:0`)).toBe(1)
    const alert = (await brigade.get(`/api/v1/alerts/${alerts[0].id}`)).body
    const sent = alert.history.filter((e: { note: string | null }) => e.note?.includes(': sent, provider id'))
    expect(sent).toHaveLength(3)
  })
})

/** Contacts whose job the gateway recorded as sent (from the alert's history); null while none. */
async function sentContacts(gw: GatewayChild, alertId: string): Promise<string[] | null> {
  const alert = (await apiClient(gw.httpUrl, 'brigade-token').get(`/api/v1/alerts/${alertId}`)).body
  const contacts = (alert.history as { note: string | null }[]).flatMap((e) => {
    const sent = /^webhook to ([a-z-]+) .*: sent, provider id/.exec(e.note ?? '')
    return sent ? [sent[1]!] : []
  })
  return contacts.length > 0 ? contacts : null
}
