import { afterEach, describe, expect, it } from 'vitest'
import {
  createNotifyHarness,
  type NotifyHarness,
  siteWith,
  tokenOf,
  WEBHOOK_SECRET,
} from './notify-harness.ts'

const hook = (url: string, who: string) => `{ url: "${url}?to=${who}", secret: ${WEBHOOK_SECRET} }`

const site = ({ webhookUrl }: { webhookUrl: string }) =>
  siteWith(`
contacts:
  - { id: li-wei, name: Li Wei, role: manager, buildings: [tower-a], channels: [webhook], webhook: ${hook(webhookUrl, 'li-wei')} }
  - { id: zhang-min, name: Zhang Min, role: deputy, channels: [webhook], webhook: ${hook(webhookUrl, 'zhang-min')} }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: ${hook(webhookUrl, 'centre')} }
escalation:
  - buildings: [tower-a]
    classes: [fire]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 60, repeat: 2 }
      - { targets: [zhang-min], ackTimeoutSec: 60 }
      - { targets: [centre], ackTimeoutSec: 120 }
  - buildings: [tower-a]
    classes: [warning]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 300 }
      - { targets: [zhang-min], ackTimeoutSec: 300 }
`)

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

/** The (contact:channel:level:repeat) of every delivered webhook of the alert's incident, in order. */
const delivered = (alert: { incident: string | null }) =>
  h.webhook.deliveries
    .map((d) => d.idempotencyKey)
    .flatMap((k) => (k.startsWith(`${alert.incident}:`) ? [k.slice(27)] : []))

describe('Escalation', () => {
  it('When nobody acknowledges a fire, then it climbs the levels, the last level repeats, and an API ack stops it at once', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'fire')
    await h.dispatch()
    expect(delivered(alert)).toEqual(['li-wei:webhook:0:0'])
    h.advance(59_999)
    expect(h.escalate()).toBe(0)
    const steps: [number, string][] = [
      [1, 'li-wei:webhook:0:1'],
      [60_000, 'zhang-min:webhook:1:0'],
      [60_000, 'centre:webhook:2:0'],
      [120_000, 'centre:webhook:2:1'],
      [120_000, 'centre:webhook:2:2'],
    ]
    for (const [ms, key] of steps) {
      h.advance(ms)
      expect(h.escalate()).toBe(1)
      await h.dispatch()
      expect(delivered(alert).at(-1)).toBe(key)
    }
    h.lifecycle.acknowledge(alert.id, 'brigade', null)
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
    await h.dispatch()
    expect(delivered(alert)).toHaveLength(6)
    const history = h.lifecycle.history(alert.id)
    expect(history.filter((e) => e.action === 'escalated')).toHaveLength(5)
    expect(history.filter((e) => e.action === 'notified').map((e) => e.note)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^webhook to zhang-min \(level 2, send 1, attempt 1\): sent/),
      ]),
    )
    expect(h.acks).toHaveLength(1)
    expect(h.firstRequests).toHaveLength(1)
  })

  it('When the manager taps the link while a reminder is queued, then the reminder is cancelled and escalation stops', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'fire')
    await h.dispatch()
    const link = h.webhook.deliveries[0]!.body.ackUrl
    expect(link).toMatch(/^http:\/\/firewatch\.test\/a\/[A-Za-z0-9_-]{18}$/)
    h.advance(60_000)
    expect(h.escalate()).toBe(1)
    const used = h.notifier.ackLinks.use(tokenOf(link), 'on my way')
    expect(used.status).toBe('acknowledged')
    await h.dispatch()
    expect(delivered(alert)).toEqual(['li-wei:webhook:0:0'])
    expect(h.incidentJobs(alert.incident!).map((j) => [j.job_key.slice(27), j.state])).toEqual([
      ['li-wei:webhook:0:0', 'sent'],
      ['li-wei:webhook:0:1', 'cancelled'],
    ])
    const acked = h.lifecycle.get(alert.id)!
    expect(acked.state).toBe('acknowledged')
    expect(h.lifecycle.history(alert.id).find((e) => e.action === 'acknowledged')).toMatchObject({
      actor: 'contact:li-wei',
      note: 'on my way',
    })
    expect(h.notifier.ackLinks.use(tokenOf(link), null).status).toBe('spent')
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
  })

  it('When a warning goes unacknowledged through every level, then escalation ends instead of repeating', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'warning')
    await h.dispatch()
    h.advance(300_000)
    expect(h.escalate()).toBe(1)
    await h.dispatch()
    h.advance(300_000)
    expect(h.escalate()).toBe(0)
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
    expect(delivered(alert)).toEqual(['li-wei:webhook:0:0', 'zhang-min:webhook:1:0'])
    expect(h.lifecycle.history(alert.id).at(-1)?.note).toMatch(/escalation ended/)
  })

  it('When a warning clears before its reminder is sent, then nothing more goes out', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'warning')
    h.clear('ta-12-smoke-01', 'warning')
    await h.dispatch()
    h.advance(3_600_000)
    expect(h.escalate()).toBe(0)
    expect(delivered(alert)).toEqual([])
    expect(h.jobs(alert.id).map((j) => j.state)).toEqual(['cancelled'])
  })

  it('When the jobs cannot be written, then the fire alert still commits and the failure is logged', async () => {
    h = await createNotifyHarness(site)
    h.store.db.exec('DROP TABLE notify_jobs')
    const alert = h.raise('ta-12-smoke-01', 'fire')
    expect(h.lifecycle.get(alert.id)?.state).toBe('open')
    expect(h.notifier.escalation.escalate(h.clock.now() + 3_600_000)).toBe(0)
    expect(h.log.entries).toContainEqual(
      expect.objectContaining({ level: 'error', msg: 'notification jobs could not be written' }),
    )
  })

  it('When an alert has no policy (another building), then no job is written', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('tb-03-smoke-01', 'fire')
    await h.dispatch()
    expect(h.jobs(alert.id)).toEqual([])
  })
})
