import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { systemClock } from '../../gateway/clock.ts'
import { apiClient, waitFor } from '../support/api-client.ts'
import { spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { startWebhookReceiver } from '../support/peers/webhook-receiver.ts'
import { CENTRE_WEBHOOK_SECRET, probeAlertsInStore, writeSelfWatchSite } from './selfwatch-site.ts'

const cleanups: (() => Promise<void> | void)[] = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

type Alert = { rule: string; building: string; class: string }
type Report = { selfTest: { last: { passed: boolean; finishedAt: string } | null } }

describe('Self-test while the alert store cannot write', () => {
  it('When another process holds the write lock of the alert store, then the self-test fails, self_test.failed is raised and paged once the store writes again, and the next passing self-test clears it', async () => {
    const receiver = await startWebhookReceiver({ secret: CENTRE_WEBHOOK_SECRET, now: systemClock.now })
    cleanups.push(() => receiver.close())
    const dir = tempDataDir()
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
    // Its own process: the gateway's SQLite waits for the lock synchronously, and the test must not.
    const gw = await spawnTestGateway({
      FIREWATCH_SITE: writeSelfWatchSite(dir, receiver.url, 'on'),
      DATA_DIR: dir,
      SELF_TEST_INTERVAL_S: '10',
    })
    cleanups.push(() => gw.stop())
    const admin = apiClient(gw.httpUrl, 'admin-token')
    // While SQLite waits for the lock the gateway's event loop stands still, and a pooled keep-alive
    // connection may be cut under a request: such a poll counts as "not yet".
    const last = async () =>
      ((await admin.get('/api/v1/self-test').catch(() => null))?.body as Report | undefined)?.selfTest.last ??
      null
    cleanups.push(() => {
      if (gw.child.exitCode !== null) throw new Error(`the gateway exited with ${gw.child.exitCode}`)
    })
    const first = await waitFor(last, 15_000, 100)
    expect(first.passed).toBe(true)

    // A real fault of the alarm path: an alert transition cannot commit.
    const lock = new Database(join(dir, 'alerts.db'))
    lock.exec('BEGIN IMMEDIATE')
    cleanups.push(() => {
      if (lock.open) lock.close()
    })
    const failed = await waitFor(
      async () => {
        const now = await last()
        return now && now.finishedAt !== first.finishedAt ? now : null
      },
      90_000,
      500,
    )
    expect(failed.passed).toBe(false)
    lock.exec('ROLLBACK')
    lock.close()

    // Once the store writes again, the fault is raised (and paged) in every building, even if a
    // self-test passed meanwhile: the outage is told all the same.
    const paged = () => receiver.deliveries.filter((d) => d.body.alert.rule === 'self_test.failed')
    await waitFor(() => paged().length === 2, 40_000, 200)
    expect(
      paged()
        .map((d) => [d.body.alert.building, d.body.alert.class])
        .sort(),
    ).toEqual([
      ['tower-a', 'fault'],
      ['tower-b', 'fault'],
    ])
    const active = async () => (await admin.get('/api/v1/alerts')).body.alerts as Alert[]
    expect((await active()).map((a) => [a.building, a.rule]).sort()).toEqual([
      ['tower-a', 'self_test.failed'],
      ['tower-b', 'self_test.failed'],
    ])
    // A later passing self-test clears it; the probe's own alerts were all resolved.
    await waitFor(async () => (await active()).length === 0, 40_000, 200)
    expect((await last())?.passed).toBe(true)
    const all = (await admin.get('/api/v1/alerts?state=all')).body.alerts as Alert[]
    expect(all.map((a) => [a.building, a.rule]).sort()).toEqual([
      ['tower-a', 'self_test.failed'],
      ['tower-b', 'self_test.failed'],
    ])
    await waitFor(() => probeAlertsInStore(dir).every((a) => a.state === 'resolved'))
    expect(receiver.deliveries.every((d) => d.body.alert.rule === 'self_test.failed')).toBe(true)
  }, 150_000)
})
