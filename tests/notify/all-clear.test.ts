import { afterEach, describe, expect, it } from 'vitest'
import { smsSegments } from '../../alerting/notify/sms-segments.ts'
import { createNotifyHarness, type NotifyHarness, siteWith, WEBHOOK_SECRET } from './notify-harness.ts'

const hook = (url: string, who: string) => `{ url: "${url}?to=${who}", secret: ${WEBHOOK_SECRET} }`

const site = ({ webhookUrl }: { webhookUrl: string }) =>
  siteWith(`
contacts:
  - { id: li-wei, name: Li Wei, role: manager, buildings: [tower-a], channels: [webhook], webhook: ${hook(webhookUrl, 'li-wei')} }
  - { id: wang-fang, name: Wang Fang, role: security, phone: "+8613800000002", channels: [sms] }
  - { id: zhang-min, name: Zhang Min, role: deputy, channels: [webhook], webhook: ${hook(webhookUrl, 'zhang-min')} }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, channels: [webhook], webhook: ${hook(webhookUrl, 'centre')} }
escalation:
  - buildings: [tower-a]
    classes: [fire]
    levels:
      - { targets: [li-wei, wang-fang], ackTimeoutSec: 60 }
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

const allClearKeys = (alertId: string) =>
  h.jobs(alertId).flatMap((j) => (j.kind === 'all_clear' ? [[j.job_key.slice(27), j.state]] : []))

describe('All-clear on resolve', () => {
  it('When a fire that reached two people is resolved, then both get a short all-clear on the channel that reached them', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'fire')
    await h.dispatch()
    expect(h.sms.messages).toHaveLength(1)
    h.lifecycle.resolve(alert.id, 'brigade', 'false alarm, toast')
    // Written by the resolve itself, before any dispatch.
    expect(allClearKeys(alert.id)).toEqual([
      ['li-wei:webhook:all-clear', 'pending'],
      ['wang-fang:sms:all-clear', 'pending'],
    ])
    await h.dispatch()
    expect(allClearKeys(alert.id)).toEqual([
      ['li-wei:webhook:all-clear', 'sent'],
      ['wang-fang:sms:all-clear', 'sent'],
    ])
    const clear = h.webhook.deliveries.find((d) => d.idempotencyKey.endsWith(':all-clear'))!
    expect(clear.body.text).toBe('ALL CLEAR 18:00: FIRE Tower A 12F 12-east, Kitchen corridor, resolved.')
    expect(clear.body.alert).toMatchObject({ id: alert.id, state: 'resolved' })
    expect(clear.body.ackUrl).toBe('')
    const sms = h.sms.messages[1]!
    expect(sms.to).toBe('+8613800000002')
    expect(sms.body).toMatch(/^ALL CLEAR \d\d:\d\d: FIRE Tower A 12F 12-east/)
    expect(smsSegments(sms.body).segments).toBe(1)
    const notes = h.lifecycle.history(alert.id).map((e) => e.note ?? '')
    expect(notes).toContain('all-clear queued: webhook to li-wei')
    expect(notes.some((n) => /^all-clear sms to wang-fang .*: sent, provider id SM/.test(n))).toBe(true)
    // A repeated resolve changes nothing and queues nothing.
    h.lifecycle.resolve(alert.id, 'brigade', null)
    expect(allClearKeys(alert.id)).toHaveLength(2)
  })

  it('When a fire is resolved before anyone was told, then no all-clear is sent', async () => {
    h = await createNotifyHarness(site)
    const alert = h.raise('ta-12-smoke-01', 'fire')
    h.lifecycle.resolve(alert.id, 'brigade', null)
    await h.dispatch()
    expect(h.jobs(alert.id).map((j) => [j.kind, j.state])).toEqual([
      ['alert', 'cancelled'],
      ['alert', 'cancelled'],
    ])
    expect(h.webhook.deliveries).toEqual([])
    expect(h.sms.messages).toEqual([])
  })

  it('When a warning clears, then only an escalated one brings an all-clear, to every level that was told', async () => {
    h = await createNotifyHarness(site)
    const quiet = h.raise('ta-12-smoke-01', 'warning')
    await h.dispatch()
    h.clear('ta-12-smoke-01', 'warning')
    await h.dispatch()
    expect(allClearKeys(quiet.id)).toEqual([])

    const loud = h.raise('ta-12-smoke-01', 'warning')
    await h.dispatch()
    h.advance(300_000)
    expect(h.escalate()).toBe(1)
    await h.dispatch()
    h.clear('ta-12-smoke-01', 'warning')
    await h.dispatch()
    expect(allClearKeys(loud.id)).toEqual([
      ['li-wei:webhook:all-clear', 'sent'],
      ['zhang-min:webhook:all-clear', 'sent'],
    ])
    const clear = h.webhook.deliveries.filter((d) => d.idempotencyKey.endsWith(':all-clear'))
    expect(clear.map((d) => d.body.text)).toEqual([
      'ALL CLEAR 18:05: WARNING Tower A 12F 12-east, Kitchen corridor, resolved.',
      'ALL CLEAR 18:05: WARNING Tower A 12F 12-east, Kitchen corridor, resolved.',
    ])
  })

  it('When the channel that reached someone fails for good on the all-clear, then their next channel gets it', async () => {
    h = await createNotifyHarness(({ webhookUrl }) =>
      siteWith(`
contacts:
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, phone: "+8613800000009", channels: [webhook, sms], webhook: ${hook(webhookUrl, 'centre')} }
escalation:
  - levels: [{ targets: [centre], ackTimeoutSec: 60 }]
`),
    )
    const alert = h.raise('ta-12-smoke-01', 'fire')
    await h.dispatch()
    h.webhook.script({ status: 410 })
    h.lifecycle.resolve(alert.id, 'brigade', null)
    await h.dispatch()
    expect(allClearKeys(alert.id)).toEqual([
      ['centre:webhook:all-clear', 'failed'],
      ['centre:sms:all-clear', 'sent'],
    ])
    expect(h.sms.messages.map((m) => m.body)).toEqual([
      expect.stringMatching(/^ALL CLEAR \d\d:\d\d: FIRE Tower A 12F 12-east/),
    ])
    // The failed all-clear left no bad mark: the next fire goes out on the webhook again.
    const next = h.raise('tb-03-smoke-01', 'fire')
    await h.dispatch()
    expect(h.jobs(next.id).map((j) => [j.channel, j.state])).toEqual([['webhook', 'sent']])
  })
})
