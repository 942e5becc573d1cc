import { afterEach, describe, expect, it } from 'vitest'
import { vapidPublicKey } from '../../alerting/notify/channels/index.ts'
import { createNotifyHarness, type NotifyHarness, siteWith, WEBHOOK_SECRET } from './notify-harness.ts'

const site =
  (liWeiChannels: string) =>
  ({ webhookUrl }: { webhookUrl: string }) =>
    siteWith(`
contacts:
  - id: li-wei
    name: Li Wei
    role: manager
    phone: "+8613800000001"
    channels: ${liWeiChannels}
    webhook: { url: "${webhookUrl}", secret: ${WEBHOOK_SECRET} }
escalation:
  - classes: [supervisory]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 600 }
`)

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

const notes = (alertId: string) =>
  h.lifecycle
    .history(alertId)
    .filter((e) => e.action === 'notified')
    .map((e) => e.note)

describe('Outbox dispatch', () => {
  it('When the receiver answers 429 with Retry-After, then 503 twice, then the job is retried with backoff until delivered', async () => {
    h = await createNotifyHarness(site('[webhook]'))
    h.webhook.script({ status: 429, retryAfter: '30' }, { status: 503 }, { status: 503 })
    const alert = h.raise('ta-12-smoke-01', 'supervisory')
    const key = `${alert.incident}:li-wei:webhook:0:0`
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(1)
    // Retry-After 30 s wins over the first backoff step (about 1 s).
    h.advance(29_999)
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(1)
    h.advance(1)
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(2)
    // Then exponential backoff with jitter (fixed at the midpoint here): 1.5 s, then 3 s.
    h.advance(1_499)
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(2)
    h.advance(1)
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(3)
    h.advance(3_000)
    await h.dispatch()
    expect(h.webhook.received(key)).toBe(4)
    expect(h.webhook.deliveries.map((d) => d.idempotencyKey)).toEqual([key])
    expect(h.jobs(alert.id)).toMatchObject([{ state: 'sent', attempts: 4 }])
    expect(notes(alert.id)).toEqual([
      expect.stringMatching(/attempt 1\): webhook answered 429; retry in 30\.0 s$/),
      expect.stringMatching(/attempt 2\): webhook answered 503; retry in 1\.5 s$/),
      expect.stringMatching(/attempt 3\): webhook answered 503; retry in 3\.0 s$/),
      expect.stringMatching(/attempt 4\): sent, provider id webhook:/),
    ])
    expect(h.outcomes).toEqual(['webhook retry', 'webhook retry', 'webhook retry', 'webhook sent'])
  })

  it('When the webhook fails for good, then SMS goes out in the same pass and the bad webhook is skipped next time', async () => {
    h = await createNotifyHarness(site('[webhook, sms]'))
    h.webhook.script({ status: 410 })
    const first = h.raise('ta-12-smoke-01', 'supervisory')
    await h.notifier.dispatcher.runOnce()
    expect(h.webhook.received(`${first.incident}:li-wei:webhook:0:0`)).toBe(1)
    expect(h.sms.messages.map((m) => m.to)).toEqual(['+8613800000001'])
    expect(h.sms.messages[0]!.body).toContain('http://firewatch.test/a/')
    expect(h.jobs(first.id).map((j) => [j.channel, j.state])).toEqual([
      ['webhook', 'failed'],
      ['sms', 'sent'],
    ])
    expect(notes(first.id)[0]).toMatch(/webhook to li-wei .*: failed for good \(webhook answered 410\)/)

    const second = h.raise('tb-03-smoke-01', 'supervisory')
    await h.dispatch()
    expect(h.jobs(second.id).map((j) => [j.channel, j.state])).toEqual([['sms', 'sent']])
    expect(h.webhook.received(`${second.incident}:li-wei:webhook:0:0`)).toBe(0)
    expect(h.outcomes).toEqual(['webhook permanent', 'sms sent', 'sms sent'])
  })

  it('When the SMS provider refuses the number for good, then the webhook gets the message at once', async () => {
    h = await createNotifyHarness(site('[sms, webhook]'))
    h.sms.script({ status: 400, code: 21211 })
    const alert = h.raise('ta-12-smoke-01', 'supervisory')
    await h.notifier.dispatcher.runOnce()
    expect(h.sms.messages).toEqual([])
    expect(h.webhook.deliveries.map((d) => d.idempotencyKey)).toEqual([
      `${alert.incident}:li-wei:webhook:0:0`,
    ])
    expect(h.jobs(alert.id).map((j) => [j.channel, j.state])).toEqual([
      ['sms', 'failed'],
      ['webhook', 'sent'],
    ])
  })

  it('When a level says sendOn: all, then the contact gets the message on every channel at once', async () => {
    h = await createNotifyHarness(({ webhookUrl }) =>
      siteWith(`
contacts:
  - { id: li-wei, name: Li Wei, role: brigade, phone: "+8613800000001", channels: [webhook, sms], webhook: { url: "${webhookUrl}", secret: ${WEBHOOK_SECRET} } }
escalation:
  - levels: [{ targets: [li-wei], sendOn: all, ackTimeoutSec: 60 }]
`),
    )
    const alert = h.raise('ta-12-smoke-01', 'fire')
    await h.notifier.dispatcher.runOnce()
    expect(h.jobs(alert.id).map((j) => [j.channel, j.state])).toEqual([
      ['webhook', 'sent'],
      ['sms', 'sent'],
    ])
    expect(h.sms.messages).toHaveLength(1)
    expect(h.webhook.deliveries).toHaveLength(1)
  })

  it('When every channel of a contact failed for good, then the history says nobody could be reached', async () => {
    h = await createNotifyHarness(site('[webhook]'))
    h.webhook.script({ status: 404 })
    const alert = h.raise('ta-12-smoke-01', 'supervisory')
    await h.dispatch()
    expect(notes(alert.id).at(-1)).toBe('no channel left for li-wei')
    const next = h.raise('tb-03-smoke-01', 'supervisory')
    expect(h.jobs(next.id)).toEqual([])
    expect(notes(next.id)).toEqual(['no working channel for li-wei'])
  })
})

describe('Web Push delivery', () => {
  it('When a subscription has expired at the push service, then it is removed and the contact gets the webhook at once', async () => {
    h = await createNotifyHarness(site('[push, webhook]'), { push: true })
    const push = h.push!
    const phone = push.subscribe(vapidPublicKey(h.dataDir))
    const laptop = push.subscribe(vapidPublicKey(h.dataDir))
    for (const s of [phone, laptop])
      h.notifier.pushSubscriptions.add('li-wei', JSON.parse(s.json), 'mgr-a', h.clock.now())
    const first = h.raise('ta-12-smoke-01', 'supervisory')
    await h.dispatch()
    expect(push.deliveries.map((d) => d.subscriptionId).sort()).toEqual([phone.id, laptop.id].sort())
    expect(JSON.parse(push.deliveries[0]!.payload)).toMatchObject({ alertId: first.id })
    expect(h.jobs(first.id).map((j) => [j.channel, j.state])).toEqual([['push', 'sent']])

    push.unsubscribe(phone.id)
    const second = h.raise('tb-03-smoke-01', 'supervisory')
    await h.dispatch()
    expect(push.deliveries.filter((d) => d.subscriptionId === laptop.id)).toHaveLength(2)
    expect(h.jobs(second.id).map((j) => [j.channel, j.state])).toEqual([['push', 'sent']])
    expect(h.notifier.pushSubscriptions.goodOf('li-wei').map((s) => s.endpoint)).toEqual([
      JSON.parse(laptop.json).endpoint,
    ])
    expect(h.notifier.pushSubscriptions.allOf('li-wei')).toHaveLength(1)

    push.unsubscribe(laptop.id)
    // A third situation (the device's first one is over: an alert of an active one only joins it).
    h.lifecycle.resolve(first.id, 'brigade', null)
    const third = h.raise('ta-12-smoke-01', 'supervisory', 'test.third')
    await h.notifier.dispatcher.runOnce()
    expect(h.jobs(third.id).map((j) => [j.channel, j.state])).toEqual([
      ['push', 'failed'],
      ['webhook', 'sent'],
    ])
    expect(h.webhook.deliveries.map((d) => d.idempotencyKey)).toEqual([
      `${third.incident}:li-wei:webhook:0:0`,
    ])
  })
})
