import { afterEach, describe, expect, it } from 'vitest'
import { PATROL_MISSED_RULE } from '../../alerting/schedules/patrol-checks.ts'
import type { Endpoints } from '../notify/notify-harness.ts'
import { createScheduleHarness, type ScheduleHarness, webhookContact } from './schedule-harness.ts'

const MIN = 60_000

const site = (e: Endpoints) => `
site: { name: Patrol Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 32 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-ta-12 }
contacts:
${webhookContact(e, 'duty-officer', 'security')}
${webhookContact(e, 'li-wei', 'manager')}
${webhookContact(e, 'centre', 'monitoring_centre')}
escalation:
  - classes: [supervisory]
    levels:
      - { targets: [duty-officer], ackTimeoutSec: 300 }
      - { targets: [li-wei], ackTimeoutSec: 600 }
  - classes: [fire]
    levels:
      - { targets: [centre], ackTimeoutSec: 60 }
schedules:
  patrols:
    - { id: control-room, building: tower-a, everyMin: 120, confirmWithinSec: 600, contacts: [duty-officer] }
`

/** Patrol-check notices the receiver got, oldest first: [check id, contact]. */
const checksSent = (h: ScheduleHarness) =>
  h.webhook.deliveries
    .filter((d) => d.body.alert.type === 'patrol_check')
    .map((d) => [d.body.alert.check, d.idempotencyKey.split(':').pop()])

describe('duty patrol check', () => {
  let h: ScheduleHarness
  afterEach(async () => h?.close())

  it('When the on-duty contact confirms in time, then no alert opens and the next check comes after the interval', async () => {
    h = await createScheduleHarness(site)
    await h.work.patrols.run(h.clock.now())
    const [[checkId, contact]] = checksSent(h) as [[string, string]]
    expect(contact).toBe('duty-officer')
    const body = h.webhook.deliveries[0]!.body
    expect(body.ackUrl).toMatch(/^http:\/\/firewatch\.test\/patrol\//)
    // T0 is 18:00 in Shanghai: ten minutes to confirm.
    expect(body.text).toContain('confirm you are on duty by 18:10')
    // The link names the check and the contact, signed.
    const token = body.ackUrl.slice(body.ackUrl.lastIndexOf('/') + 1)
    expect(h.work.patrolLinks.verify(token)).toEqual({ checkId, contact: 'duty-officer' })
    expect(h.work.patrolLinks.verify(`${token.slice(0, -2)}xx`)).toEqual({ invalid: 'invalid' })

    h.advance(3 * MIN)
    expect(h.work.patrols.confirm(checkId, 'li-wei', h.clock.now())).toEqual({ status: 'not-on-duty' })
    expect(h.work.patrols.confirm(checkId, 'duty-officer', h.clock.now())).toMatchObject({
      status: 'confirmed',
    })
    expect(h.work.patrols.confirm(checkId, 'duty-officer', h.clock.now())).toMatchObject({
      status: 'already',
    })
    h.advance(20 * MIN)
    await h.work.patrols.run(h.clock.now())
    expect(h.lifecycle.active()).toEqual([])
    expect(checksSent(h)).toHaveLength(1)
    // 120 min after the first: the next check.
    h.advance(97 * MIN)
    await h.work.patrols.run(h.clock.now())
    expect(checksSent(h)).toHaveLength(2)
  })

  it('When a check is not confirmed in time, then a supervisory alert opens and escalates to the next level', async () => {
    h = await createScheduleHarness(site)
    await h.work.patrols.run(h.clock.now())
    const [[checkId]] = checksSent(h) as [[string]]
    h.advance(10 * MIN - 1)
    await h.work.patrols.run(h.clock.now())
    expect(h.lifecycle.active()).toEqual([])

    h.advance(1)
    await h.work.patrols.run(h.clock.now())
    const [alert] = h.lifecycle.active()
    expect(alert).toMatchObject({
      class: 'supervisory',
      rule: PATROL_MISSED_RULE,
      building: 'tower-a',
      device: 'patrol-control-room',
      zone: 'fire-control-room',
      state: 'open',
    })
    expect(alert!.message).toContain('not confirmed within 600 s by duty-officer')
    expect(h.work.patrolStore.get(checkId)).toMatchObject({ alert_id: alert!.id })

    // Level 1 (the duty officer) at once, level 2 (the manager) after its 300 s ack timeout.
    await h.dispatch()
    const alertSends = () =>
      h.webhook.deliveries
        .filter((d) => d.body.alert.id === alert!.id)
        .map((d) => d.idempotencyKey.split(':')[1])
    expect(alertSends()).toEqual(['duty-officer'])
    h.advance(300_000)
    expect(h.escalate()).toBe(1)
    await h.dispatch()
    expect(alertSends()).toEqual(['duty-officer', 'li-wei'])
    expect(h.lifecycle.history(alert!.id).map((e) => e.action)).toContain('escalated')

    // A late confirmation is recorded; the alert stays for a person to resolve.
    expect(h.work.patrols.confirm(checkId, 'duty-officer', h.clock.now())).toMatchObject({ status: 'late' })
    expect(h.lifecycle.get(alert!.id)!.state).toBe('open')
  })

  it('When the gateway restarts, then the pending check is still pending and no second check goes out early', async () => {
    h = await createScheduleHarness(site)
    await h.work.patrols.run(h.clock.now())
    h.advance(5 * MIN)
    const after = h.restart()
    await after.patrols.run(h.clock.now())
    expect(checksSent(h)).toHaveLength(1)
    h.advance(5 * MIN)
    await after.patrols.run(h.clock.now())
    expect(h.lifecycle.active().map((a) => a.rule)).toEqual([PATROL_MISSED_RULE])
  })

  it('When a night shift is on, then its contact gets the check and only they may confirm it', async () => {
    h = await createScheduleHarness((e) =>
      site(e)
        .replace('contacts:\n', `contacts:\n${webhookContact(e, 'night-officer', 'security')}\n`)
        .replace(
          'contacts: [duty-officer] }',
          'contacts: [duty-officer], shifts: [{ contacts: [night-officer], cron: "0 20 * * *", until: "08:00" }] }',
        ),
    )
    // 18:00 in Shanghai: the day contact; 20:00: the night shift.
    await h.work.patrols.run(h.clock.now())
    h.advance(120 * MIN)
    await h.work.patrols.run(h.clock.now())
    const sent = checksSent(h)
    expect(sent.map(([, contact]) => contact)).toEqual(['duty-officer', 'night-officer'])
    const nightCheck = sent[1]![0] as string
    expect(h.work.patrols.confirm(nightCheck, 'duty-officer', h.clock.now())).toEqual({
      status: 'not-on-duty',
    })
    expect(h.work.patrols.confirm(nightCheck, 'night-officer', h.clock.now())).toMatchObject({
      status: 'confirmed',
    })
  })
})
