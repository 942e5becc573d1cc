import { afterEach, describe, expect, it } from 'vitest'
import { type Endpoints, TWO_TOWERS } from '../notify/notify-harness.ts'
import { createScheduleHarness, type ScheduleHarness, webhookContact } from './schedule-harness.ts'

const HOUR = 3_600_000

const site = (e: Endpoints) => `
site: { name: Overdue Estate, timezone: Asia/Shanghai, locale: zh-CN }
${TWO_TOWERS}contacts:
${webhookContact(e, 'li-wei', 'manager', ', buildings: [tower-a], locale: en')}
${webhookContact(e, 'engineer', 'engineer')}
${webhookContact(e, 'centre', 'monitoring_centre')}
escalation:
  - classes: [fault, supervisory]
    levels:
      - { targets: [engineer], ackTimeoutSec: 3600 }
      - { targets: [li-wei, centre], ackTimeoutSec: 3600 }
  - levels:
      - { targets: [centre], ackTimeoutSec: 60 }
schedules:
  overdue: { fault: 72, supervisory: 24 }
  reports: { recipients: [li-wei] }
`

const noticesOf = (h: ScheduleHarness, type: string) =>
  h.webhook.deliveries.filter((d) => d.body.alert.type === type)

describe('long-open items', () => {
  let h: ScheduleHarness
  afterEach(async () => h?.close())

  it('When a fault stays open past its 72 h deadline, then it is flagged once, escalated in its history and sent to the last level', async () => {
    h = await createScheduleHarness(site)
    const fault = h.raise('ta-12-smoke-01', 'fault', 'device.fault')
    h.advance(72 * HOUR - 60_000)
    await h.work.overdue.run(h.clock.now())
    expect(h.work.overdue.store.active(null)).toEqual([])

    h.advance(60_000)
    h.webhook.script({ status: 503 })
    await h.work.overdue.run(h.clock.now())
    const [item] = h.work.overdue.store.active(null)
    expect(item).toMatchObject({
      id: fault.id,
      class: 'fault',
      deadline_at: h.clock.now(),
      notified_at: null,
    })
    const notes = h.lifecycle.history(fault.id).filter((e) => e.action === 'escalated')
    expect(notes.map((e) => e.note)).toContain('overdue: open longer than 72 h')
    // The receiver failed for li-wei (the first of the last level); the centre has it. The next
    // run sends it to li-wei only, in her own locale (the site's is zh-CN).
    expect(noticesOf(h, 'overdue').map((d) => d.idempotencyKey)).toEqual([`overdue:${fault.id}:centre`])
    expect(noticesOf(h, 'overdue')[0]!.body.text).toMatch(/^超期未处理/)
    await h.work.overdue.run(h.clock.now())
    const sent = noticesOf(h, 'overdue').slice(1)
    expect(sent.map((d) => d.idempotencyKey)).toEqual([`overdue:${fault.id}:li-wei`])
    expect(h.work.overdue.store.active(null)[0]!.notified_at).toBe(h.clock.now())
    expect(sent[0]!.body.text).toMatch(/^Overdue \(open more than 72 h\): Device fault: Tower A 12F/)
    // Once only, also after a restart; the list keeps it until it is resolved.
    const after = h.restart()
    await after.overdue.run(h.clock.now() + HOUR)
    expect(noticesOf(h, 'overdue')).toHaveLength(2)
    expect(after.overdue.store.active(new Set(['tower-b']))).toEqual([])
    expect(after.overdue.store.active(new Set(['tower-a'])).map((r) => r.id)).toEqual([fault.id])
    h.lifecycle.resolve(fault.id, 'admin', 'replaced')
    expect(after.overdue.store.active(null)).toEqual([])
  })

  it('When an offline alert is open for days, then it is not overdue (no deadline for the class here)', async () => {
    h = await createScheduleHarness(site)
    h.raise('tb-03-smoke-01', 'offline', 'device.offline')
    h.advance(30 * 24 * HOUR)
    await h.work.overdue.run(h.clock.now())
    expect(h.work.overdue.store.active(null)).toEqual([])
  })
})

describe('report delivery', () => {
  let h: ScheduleHarness
  afterEach(async () => h?.close())

  it('When the daily job runs, then each recipient gets yesterday report of their buildings by webhook, once', async () => {
    h = await createScheduleHarness(site)
    h.raise('ta-12-smoke-01', 'fault', 'device.fault')
    // T0 is 22 Nov 18:00 in Shanghai; the job runs on 23 Nov at 08:00 local.
    h.advance(14 * HOUR)
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(1)
    const [report] = noticesOf(h, 'report')
    const body = report!.body.alert.report as {
      building: { id: string }
      period: { label: string }
      alertsByClass: { fault: number }
    }
    expect(body.building.id).toBe('tower-a')
    expect(body.period.label).toBe('2026-11-22')
    expect(body.alertsByClass.fault).toBe(1)
    expect(report!.body.ackUrl).toBe(
      'http://firewatch.test/api/v1/reports/daily.html?building=tower-a&date=2026-11-22',
    )
    expect(await h.work.reports.delivery.daily(h.clock.now())).toBe(0)
    expect(await h.restart().reports.delivery.daily(h.clock.now())).toBe(0)
    expect(noticesOf(h, 'report')).toHaveLength(1)
  })
})
