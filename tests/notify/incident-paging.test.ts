import { afterEach, describe, expect, it } from 'vitest'
import type { OutboxJob } from '../../alerting/notify/outbox-store.ts'
import { deviceSignal } from '../alerting/fixtures/alert-test-site.ts'
import {
  createNotifyHarness,
  type Endpoints,
  type NotifyHarness,
  tokenOf,
  WEBHOOK_SECRET,
} from './notify-harness.ts'

// Paging by incident on the real notifier and the gateway's alarm path (lifecycle with the incident
// keeper), in virtual time, through the real webhook channel to a local receiver.

const hook = (url: string, who: string) => `{ url: "${url}?to=${who}", secret: ${WEBHOOK_SECRET} }`

/** Four floors of one tower; li-wei and zhang-min first for fire, the centre after them. */
const site = ({ webhookUrl }: Endpoints) => `
site: { name: Incident Estate, timezone: Asia/Shanghai }
buildings:
  - { id: tower-a, name: Tower A, floors: 32 }
devices:
  - { id: ta-11-smoke-01, building: tower-a, floor: 11, zone: 11-east, kind: smoke_detector, label: Lift lobby, secret: s3cret-ta-11 }
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: s3cret-ta-12 }
  - { id: ta-13-smoke-01, building: tower-a, floor: 13, zone: 13-east, kind: smoke_detector, label: Service shaft, secret: s3cret-ta-13 }
  - { id: ta-14-smoke-01, building: tower-a, floor: 14, zone: 14-east, kind: smoke_detector, label: Stairs, secret: s3cret-ta-14 }
contacts:
  - { id: li-wei, name: Li Wei, role: manager, channels: [webhook], webhook: ${hook(webhookUrl, 'li-wei')} }
  - { id: zhang-min, name: Zhang Min, role: deputy, channels: [webhook], webhook: ${hook(webhookUrl, 'zhang-min')} }
  - { id: engineer, name: Engineer, role: engineer, channels: [webhook], webhook: ${hook(webhookUrl, 'engineer')} }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: ${hook(webhookUrl, 'centre')} }
escalation:
  - classes: [fire]
    levels:
      - { targets: [li-wei, zhang-min], ackTimeoutSec: 60, repeat: 2 }
      - { targets: [centre], ackTimeoutSec: 120 }
  - classes: [warning]
    levels:
      - { targets: [engineer, li-wei], ackTimeoutSec: 600 }
      - { targets: [zhang-min], ackTimeoutSec: 600 }
`

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

/** Deliveries to one contact (the receiver's `?to=`), in order. */
const to = (contact: string) => h.webhook.deliveries.filter((d) => d.idempotencyKey.split(':')[1] === contact)
/** The part of every job key after the incident id and the contact: channel:step. */
const steps = (jobs: OutboxJob[], contact: string) =>
  jobs.filter((j) => j.contact === contact).map((j) => `${j.kind} ${j.job_key.split(':').slice(2).join(':')}`)

describe('One incident, one page per person', () => {
  it('When a detector raises its own fire_alarm and smoke.alarm, then one page per contact with one link, and using it stops the escalation of both', async () => {
    h = await createNotifyHarness(site)
    const own = h.raise('ta-12-smoke-01', 'fire', 'device.fire_alarm')
    const smoke = h.raise('ta-12-smoke-01', 'fire', 'smoke.alarm')
    expect(smoke.incident).toBe(own.incident)
    await h.dispatch()
    expect(h.webhook.deliveries.map((d) => d.idempotencyKey)).toEqual([
      `${own.incident}:li-wei:webhook:0:0`,
      `${own.incident}:zhang-min:webhook:0:0`,
    ])
    const page = to('li-wei')[0]!.body
    expect(page.text).toMatch(
      /^FIRE 18:00: Fire alarm \(device\), Tower A 12F 12-east, Kitchen corridor\. Ack: /,
    )
    expect(page.incident).toMatchObject({ id: own.incident, alerts: [own.id, smoke.id], floors: [12] })
    // The reminder carries the same link: one per person and incident.
    h.advance(60_000)
    expect(h.escalate()).toBe(2)
    await h.dispatch()
    expect(to('li-wei').map((d) => d.body.ackUrl)).toEqual([page.ackUrl, page.ackUrl])

    const used = h.notifier.ackLinks.use(tokenOf(page.ackUrl), 'on my way')
    expect(used).toMatchObject({ status: 'acknowledged', incident: { acknowledgedBy: ['Li Wei'] } })
    for (const a of [own, smoke]) expect(h.lifecycle.get(a.id)?.state).toBe('acknowledged')
    // Zhang Min's link shows who took it, and acknowledges nothing more.
    const other = to('zhang-min')[0]!.body.ackUrl
    expect(h.notifier.ackLinks.inspect(tokenOf(other))).toMatchObject({
      status: 'valid',
      incident: { incident: { state: 'acknowledged' }, acknowledgedBy: ['Li Wei'] },
    })
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
    await h.dispatch()
    expect(h.webhook.deliveries).toHaveLength(4)
    expect(h.acks).toHaveLength(1)
    expect(h.firstRequests).toHaveLength(1)
    const timeline = h.lifecycle.incidents.timeline(own.incident!)
    expect(timeline.map((e) => e.action)).toEqual(
      expect.arrayContaining(['opened', 'member_added', 'notified', 'escalated', 'acknowledged']),
    )
  })
})

describe('Updates when an incident grows', () => {
  it('When the fire reaches 13F and 14F within the window, then each person told gets one update naming the floors in order; 11F later gets one more after the window', async () => {
    h = await createNotifyHarness(site)
    const first = h.raise('ta-12-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    h.advance(5_000)
    h.raise('ta-13-smoke-01', 'fire', 'smoke.alarm')
    h.advance(5_000)
    h.raise('ta-14-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    for (const contact of ['li-wei', 'zhang-min']) {
      const got = to(contact)
      expect(got.map((d) => d.idempotencyKey.split(':').slice(2).join(':'))).toEqual([
        'webhook:0:0',
        'webhook:update:0',
      ])
      const update = got[1]!.body
      expect(update.text).toBe(
        `UPDATE FIRE 18:00: Smoke alarm, Tower A, floors 12F > 13F > 14F. Ack: ${got[0]!.body.ackUrl}`,
      )
      expect(update.incident).toMatchObject({ id: first.incident, floors: [12, 13, 14] })
    }
    expect(to('centre')).toEqual([])

    // A fourth floor 20 s after the update went out: the next update waits for the window.
    h.advance(20_000)
    h.raise('ta-11-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    expect(to('li-wei')).toHaveLength(2)
    h.advance(40_000 - 1)
    await h.dispatch()
    expect(to('li-wei')).toHaveLength(2)
    h.advance(1)
    await h.dispatch()
    expect(to('li-wei').map((d) => d.body.text.split('. Ack')[0])).toEqual([
      'FIRE 18:00: Smoke alarm, Tower A 12F 12-east, Kitchen corridor',
      'UPDATE FIRE 18:00: Smoke alarm, Tower A, floors 12F > 13F > 14F',
      'UPDATE FIRE 18:00: Smoke alarm, Tower A, floors 12F > 13F > 14F > 11F',
    ])
  })

  it('When a warning incident becomes a fire, then those told get one update, fire recipients not told get their first page, and escalation follows the fire policy', async () => {
    h = await createNotifyHarness(site)
    const warning = h.raise('ta-12-smoke-01', 'warning', 'smoke.prealarm')
    await h.dispatch()
    expect(to('engineer').map((d) => d.body.text.replace(/ \d\d:\d\d: .*$/, ''))).toEqual(['WARNING'])
    h.advance(10_000)
    const fire = h.raise('ta-12-smoke-01', 'fire', 'smoke.alarm')
    expect(fire.incident).toBe(warning.incident)
    await h.dispatch()
    const jobs = h.incidentJobs(warning.incident!)
    // Li Wei was told of the warning: an update, not a second first page. Zhang Min was not.
    expect(steps(jobs, 'engineer')).toEqual(['alert webhook:0:0', 'update webhook:update:0'])
    expect(steps(jobs, 'li-wei')).toEqual(['alert webhook:0:0', 'update webhook:update:0'])
    expect(steps(jobs, 'zhang-min')).toEqual(['alert webhook:0:0'])
    expect(to('zhang-min')[0]!.body.text).toMatch(/^FIRE 18:00: Smoke alarm, Tower A 12F/)
    expect(to('engineer')[1]!.body.text).toMatch(
      /^UPDATE FIRE 18:00: Smoke alarm, Tower A 12F 12-east, Kitchen corridor\./,
    )
    // The fire policy's steps, a round on: level 1 repeat 2 of fire, then the centre.
    h.advance(60_000)
    expect(h.escalate()).toBe(2)
    h.advance(60_000)
    expect(h.escalate()).toBe(1)
    await h.dispatch()
    expect(to('centre').map((d) => d.idempotencyKey.split(':').slice(1).join(':'))).toEqual([
      'centre:webhook:1:0:1',
    ])
    expect(h.lifecycle.incidents.timeline(warning.incident!).map((e) => e.note)).toContain(
      'class warning > fire: paging follows the fire policy',
    )
  })
})

describe('A class upgrade after escalation', () => {
  it('When the warning reached the deputy (its second level) before it became a fire, then the deputy gets an update, not a first page', async () => {
    h = await createNotifyHarness(site)
    const warning = h.raise('ta-12-smoke-01', 'warning', 'smoke.prealarm')
    await h.dispatch()
    h.advance(600_000)
    expect(h.escalate()).toBe(1)
    await h.dispatch()
    h.raise('ta-12-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    const jobs = h.incidentJobs(warning.incident!)
    expect(steps(jobs, 'zhang-min')).toEqual(['alert webhook:1:0', 'update webhook:update:0'])
    expect(steps(jobs, 'li-wei')).toEqual(['alert webhook:0:0', 'update webhook:update:0'])
    expect(to('zhang-min').map((d) => d.body.text.replace(/ \d\d:\d\d: .*$/, ''))).toEqual([
      'WARNING',
      'UPDATE FIRE',
    ])
  })
})

describe('Test windows', () => {
  it('When a detector under test raises a fire alarm, then its test incident is recorded and noted, never paged', async () => {
    h = await createNotifyHarness(site)
    h.alarm.fire.deviceTested('ta-12-smoke-01', h.clock.now())
    h.alarm.fire.signal(deviceSignal(h.site, 'raise', 'ta-12-smoke-01', 'fire', 'smoke.alarm', h.clock.now()))
    const [alert] = h.lifecycle.active()
    expect(alert).toMatchObject({ rule: 'smoke.alarm', tags: ['test'] })
    await h.dispatch()
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
    expect(h.incidentJobs(alert!.incident!)).toEqual([])
    expect(h.webhook.deliveries).toEqual([])
    expect(h.lifecycle.incidents.timeline(alert!.incident!)).toContainEqual(
      expect.objectContaining({ action: 'notified', note: 'not paged: a test window' }),
    )
  })
})

describe('The all-clear of an incident', () => {
  it('When one fire member is resolved while another is open, then no all-clear; the last one brings exactly one per person told', async () => {
    h = await createNotifyHarness(site)
    const a = h.raise('ta-12-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    const b = h.raise('ta-13-smoke-01', 'fire', 'smoke.alarm')
    await h.dispatch()
    h.lifecycle.resolve(a.id, 'brigade', 'out on 12F')
    await h.dispatch()
    const allClears = () => h.incidentJobs(a.incident!).filter((j) => j.kind === 'all_clear')
    expect(allClears()).toEqual([])
    expect(h.lifecycle.incidents.get(a.incident!)?.state).toBe('open')

    h.advance(60_000)
    h.lifecycle.resolve(b.id, 'brigade', 'out on 13F')
    const incident = h.lifecycle.incidents.get(a.incident!)!
    expect(incident.state).toBe('resolved')
    expect(allClears().map((j) => j.contact)).toEqual(['li-wei', 'zhang-min'])
    // Never while a member was active: every member ended at or before each all-clear.
    for (const job of allClears()) {
      for (const id of incident.alerts) {
        expect(Date.parse(h.lifecycle.get(id)!.resolvedAt!)).toBeLessThanOrEqual(job.created_at)
      }
    }
    await h.dispatch()
    expect(to('li-wei').at(-1)!.body.text).toBe('ALL CLEAR 18:01: FIRE Tower A 12F > 13F resolved.')
    expect(to('li-wei').at(-1)!.body.incident).toMatchObject({ state: 'resolved', floors: [12, 13] })
    // A repeated resolve queues nothing more.
    h.lifecycle.resolve(b.id, 'brigade', null)
    expect(allClears()).toHaveLength(2)
  })
})
