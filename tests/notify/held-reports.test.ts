import { afterEach, describe, expect, it } from 'vitest'
import {
  type DeliveryReport,
  HELD_REPORT_TTL_MS,
  MAX_HELD_REPORTS,
} from '../../alerting/notify/delivery-reports.ts'
import { HeldReports } from '../../alerting/notify/held-reports.ts'
import { createNotifyHarness, type NotifyHarness, siteWith, WEBHOOK_SECRET } from './notify-harness.ts'

// Reports whose message id no send has recorded: the real notifier on its SQLite file, in virtual
// time (tests/notify/twilio-status.test.ts shows them applied through the real gateway).

const site = ({ webhookUrl }: { webhookUrl: string }) =>
  siteWith(`
contacts:
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: { url: "${webhookUrl}", secret: ${WEBHOOK_SECRET} } }
escalation:
  - levels: [{ targets: [centre], ackTimeoutSec: 600 }]
`)

const report = (n: number): DeliveryReport => ({
  channel: 'sms',
  providerId: `SM${n.toString(16).padStart(32, '0')}`,
  status: 'delivered',
  outcome: 'delivered',
  permanent: false,
  reason: null,
})

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

const count = (outcome: string) => h.outcomes.filter((o) => o === `sms report-${outcome}`).length

describe('Held delivery reports', () => {
  it('When a report names an unknown SID, then it is held for five minutes and then dropped, counted and logged', async () => {
    h = await createNotifyHarness(site)
    expect(h.notifier.deliveryReports.record(report(1))).toBe('held')
    h.advance(HELD_REPORT_TTL_MS - 1)
    expect(h.notifier.deliveryReports.expire(h.clock.now())).toBe(0)
    expect(new HeldReports(h.store.db).count()).toBe(1)
    h.advance(2)
    expect(h.notifier.deliveryReports.expire(h.clock.now())).toBe(1)
    expect(new HeldReports(h.store.db).count()).toBe(0)
    expect([count('held'), count('expired'), count('applied')]).toEqual([1, 1, 0])
    const warned = h.log.entries.find(
      (e) => e.msg === 'delivery reports for messages no job sent were dropped',
    )
    expect(warned?.obj).toMatchObject({
      count: 1,
      why: 'expired',
      reports: [{ providerId: report(1).providerId, status: 'delivered' }],
    })
  })

  it('When more reports wait than the bound allows, then the oldest are dropped and counted', async () => {
    h = await createNotifyHarness(site)
    for (let i = 0; i < MAX_HELD_REPORTS + 3; i++) h.notifier.deliveryReports.record(report(i))
    const held = new HeldReports(h.store.db)
    expect(held.count()).toBe(MAX_HELD_REPORTS)
    expect([count('held'), count('dropped')]).toEqual([MAX_HELD_REPORTS + 3, 3])
    expect(held.take('sms', report(2).providerId)).toEqual([])
    expect(held.take('sms', report(3).providerId)).toHaveLength(1)
  })
})
