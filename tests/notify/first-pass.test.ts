import { afterEach, describe, expect, it } from 'vitest'
import { vapidPublicKey } from '../../alerting/notify/channels/index.ts'
import { createNotifyHarness, type NotifyHarness, siteWith } from './notify-harness.ts'

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

describe('A fire in the first dispatcher pass', () => {
  it('When a fire opens, then one dispatcher pass sends its SMS and its Web Push, with the ack link in both', async () => {
    h = await createNotifyHarness(
      () =>
        siteWith(`
contacts:
  - { id: li-wei, name: Li Wei, role: manager, phone: "+8613800000001", channels: [push, sms], apiTokens: [mgr-a] }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, phone: "+8613800000009", channels: [sms] }
escalation:
  - levels: [{ targets: [li-wei, centre], sendOn: all, ackTimeoutSec: 60 }]
`),
      { push: true },
    )
    const push = h.push!
    const phone = push.subscribe(vapidPublicKey(h.dataDir))
    h.notifier.pushSubscriptions.add('li-wei', JSON.parse(phone.json), 'mgr-a', h.clock.now())
    const alert = h.raise('ta-12-smoke-01', 'fire')

    const attempted = await h.notifier.dispatcher.runOnce()

    expect(attempted).toBe(3)
    expect(h.incidentJobs(alert.incident!).map((j) => [j.contact, j.channel, j.state])).toEqual([
      ['li-wei', 'push', 'sent'],
      ['li-wei', 'sms', 'sent'],
      ['centre', 'sms', 'sent'],
    ])
    expect(h.sms.messages.map((m) => m.to).sort()).toEqual(['+8613800000001', '+8613800000009'])
    const pushed = JSON.parse(push.deliveries[0]!.payload)
    expect(pushed).toMatchObject({ alertId: alert.id, urgent: true, incident: { id: alert.incident } })
    expect(push.deliveries[0]).toMatchObject({ subscriptionId: phone.id, urgency: 'high', topic: alert.id })
    for (const text of [pushed.text, ...h.sms.messages.map((m) => m.body)]) {
      expect(text).toMatch(/^FIRE \d\d:\d\d: .*Tower A 12F 12-east.*Ack: http:\/\/firewatch\.test\/a\/\S+$/)
    }
    expect(h.firstRequests).toHaveLength(1)
  })
})
