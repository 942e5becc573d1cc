import { afterEach, describe, expect, it } from 'vitest'
import { createNotifyHarness, type NotifyHarness, siteWith, WEBHOOK_SECRET } from './notify-harness.ts'

const site = ({ webhookUrl }: { webhookUrl: string }) =>
  siteWith(`
contacts:
  - { id: li-wei, name: Li Wei, role: manager, channels: [webhook], webhook: { url: "${webhookUrl}", secret: ${WEBHOOK_SECRET} } }
  - { id: centre, name: Monitoring Centre, role: monitoring_centre, phone: "+8610119119119", channels: [sms] }
escalation:
  - classes: [fire]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 600 }
      - { targets: [centre], ackTimeoutSec: 600 }
  - classes: [warning, fault]
    levels:
      - { targets: [li-wei], ackTimeoutSec: 3600 }
notify:
  budget: { max: 3, windowSec: 3600 }
`)

let h: NotifyHarness
afterEach(async () => {
  await h.close()
})

const kinds = () =>
  h.webhook.deliveries.map((d) => (d.idempotencyKey.startsWith('digest:') ? 'digest' : 'alert'))

describe('Per-recipient budget', () => {
  it('When a warning flaps ten times in a minute, then three messages and one digest listing the other seven go out', async () => {
    h = await createNotifyHarness(site)
    const ids: string[] = []
    for (let i = 0; i < 10; i++) {
      ids.push(h.raise('ta-12-smoke-01', 'warning').id)
      await h.dispatch()
      h.advance(3_000)
      h.clear('ta-12-smoke-01', 'warning')
      h.advance(3_000)
    }
    await h.dispatch()
    expect(kinds()).toEqual(['alert', 'alert', 'alert'])
    expect(h.outcomes.filter((o) => o === 'webhook folded')).toHaveLength(7)
    // The digest waits until the first message leaves the one-hour window.
    h.advance(3_600_000 - 60_000 - 1)
    await h.dispatch()
    expect(kinds()).toHaveLength(3)
    h.advance(1)
    await h.dispatch()
    expect(kinds()).toHaveLength(4)
    h.advance(3_600_000)
    await h.dispatch()
    expect(kinds()).toEqual(['alert', 'alert', 'alert', 'digest'])
    const digest = h.webhook.deliveries[3]!.body
    expect(digest.text.split('\n')[0]).toBe(
      'Firewatch digest: 7 alert(s) held back (at most 3 messages per 60 min)',
    )
    expect(digest.text.split('\n').filter((l) => l.startsWith('- Pre-alarm: '))).toHaveLength(7)
    expect((digest.alert.digest as { id: string }[]).map((a) => a.id)).toEqual(ids.slice(3))
    for (const id of ids.slice(3)) {
      expect(h.lifecycle.history(id).find((e) => e.action === 'notified')?.note).toMatch(
        /folded into a digest/,
      )
    }
    // The digest's delivery is in the history of every alert it listed.
    const sentNotes = (id: string) =>
      h.lifecycle
        .history(id)
        .map((e) => e.note ?? '')
        .filter((n) => /digest webhook to li-wei .*: sent, provider id/.test(n))
    for (const id of ids.slice(3)) expect(sentNotes(id), id).toHaveLength(1)
    expect(sentNotes(ids[4]!)[0]).toMatch(/^listed in digest webhook to li-wei/)
  })

  it('When the budget is spent on warnings, then fire incidents still go out, every one of them, at once', async () => {
    h = await createNotifyHarness(site)
    // Four warnings that come and go: four incidents, the fourth over budget.
    for (let i = 0; i < 4; i++) {
      h.raise('ta-12-smoke-01', 'warning', `test.warning_${i}`)
      await h.dispatch()
      h.advance(1_000)
      h.clear('ta-12-smoke-01', 'warning', `test.warning_${i}`)
    }
    expect(kinds()).toEqual(['alert', 'alert', 'alert'])
    // A building's fire alarms are one incident: two buildings, two fire incidents.
    const fires = [h.raise('ta-12-smoke-01', 'fire'), h.raise('tb-03-smoke-01', 'fire')]
    await h.dispatch()
    const fireKeys = h.webhook.deliveries
      .map((d) => d.idempotencyKey)
      .filter((k) => fires.some((f) => k.startsWith(`${f.incident}:`)))
    expect(fireKeys).toEqual(fires.map((f) => `${f.incident}:li-wei:webhook:0:0`))
    expect(h.outcomes.filter((o) => o === 'webhook folded')).toHaveLength(1)
  })
})
