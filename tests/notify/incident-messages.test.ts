import { describe, expect, it } from 'vitest'
import type { Incident } from '../../alerting/incidents/incident.ts'
import { incidentAllClearNotification, updateNotification } from '../../alerting/notify/incident-messages.ts'
import { smsSegments } from '../../alerting/notify/sms-segments.ts'
import { ACK_URL, alertFor, notifySite } from './channel-fixtures.ts'

const site = notifySite()

function incidentFor(overrides: Partial<Incident> = {}): Incident {
  return {
    id: '01KAP2Q8M4Z6X7Y8W9V0T1S2I1',
    building: 'jinmao',
    class: 'fire',
    state: 'open',
    openedAt: '2026-11-22T10:00:00.000Z',
    acknowledgedAt: null,
    acknowledgedBy: null,
    resolvedAt: null,
    resolvedBy: null,
    alerts: ['01KAP2Q8M4Z6X7Y8W9V0T1S2R3'],
    floors: [30, 31, 29],
    disposition: null,
    title: 'stored in the site language',
    mergedInto: null,
    updatedAt: '2026-11-22T10:05:00.000Z',
    ...overrides,
  }
}

const lead = alertFor({ building: 'jinmao', floor: 30, zone: '30-north', device: 'jm-30-smoke-01' })
const first = {
  building: 'jinmao',
  floor: 30,
  zone: '30-north',
  scope: 'device' as const,
  device: 'jm-30-smoke-01',
}

describe('Messages of an incident', () => {
  it('When an incident spans three floors, then the update names its class, time, news and floors in the order reached, in each language', () => {
    const members = [{ rule: 'smoke.alarm' }, { rule: 'fire.spread' }, { rule: 'smoke.alarm' }]
    const input = { key: 'k', incident: incidentFor(), lead, first, members, site, ackUrl: ACK_URL }
    const en = updateNotification({ ...input, locale: 'en' })
    expect(en.text).toBe(
      `UPDATE FIRE 18:05: Fire spreading between floors, 金茂大厦A座, floors 30F > 31F > 29F. Ack: ${ACK_URL}`,
    )
    expect(en.params).toMatchObject({ type: 'UPDATE FIRE', floor: '30F > 31F > 29F', link: ACK_URL })
    expect(en).toMatchObject({ template: 'FW_ALERT', urgent: true, alert: { id: lead.id } })
    expect(en.incident).toMatchObject({ floors: [30, 31, 29] })
    const zh = updateNotification({ ...input, locale: 'zh-CN' })
    expect(zh.text).toBe(
      `火警更新 18:05：火势跨楼层蔓延，金茂大厦A座，已涉及30层→31层→29层。确认：${ACK_URL}`,
    )
    expect(zh.params).toMatchObject({ type: '火警更新', floor: '30层→31层→29层' })
    expect(zh.title).toBe('火警：金茂大厦A座')
  })

  it('When a one-floor incident is confirmed, then the update says so and names the place and the device', () => {
    const members = [{ rule: 'smoke.alarm' }, { rule: 'fire.confirmed' }]
    const incident = incidentFor({ floors: [30] })
    const input = { key: 'k', incident, lead, first, members, site, ackUrl: ACK_URL }
    expect(updateNotification({ ...input, locale: 'en' }).text).toBe(
      `UPDATE FIRE 18:05: Fire confirmed, 金茂大厦A座 30F 30-north, 厨房走廊. Ack: ${ACK_URL}`,
    )
    const zh = updateNotification({ ...input, locale: 'zh-CN' }).text
    expect(zh).toBe(
      `火警更新 18:05：火警确认（多探测器），金茂大厦A座 30层 30-north，厨房走廊。确认：${ACK_URL}`,
    )
    // A fire's update may take two segments, as its page does.
    expect(smsSegments(zh).segments).toBe(2)
  })

  it('When an incident on one floor is over, then the all-clear names its class and place in one segment; on several floors, the building and floors', () => {
    const one = incidentFor({ floors: [30], state: 'resolved' })
    const input = { key: 'k', lead, first, site }
    const single = incidentAllClearNotification({ ...input, incident: one, locale: 'zh-CN' })
    expect(single.text).toBe('已解除 18:05：火警，金茂大厦A座 30层 30-north，厨房走廊。')
    expect(smsSegments(single.text).segments).toBe(1)
    expect(single).toMatchObject({ ackUrl: '', urgent: false, template: 'FW_ALL_CLEAR' })
    const spread = incidentAllClearNotification({ ...input, incident: incidentFor(), locale: 'en' })
    expect(spread.text).toBe('ALL CLEAR 18:05: FIRE 金茂大厦A座 30F > 31F > 29F resolved.')
    expect(spread.params).toMatchObject({ type: 'ALL CLEAR FIRE', floor: '30F > 31F > 29F' })
  })
})
