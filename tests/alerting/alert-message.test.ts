import { describe, expect, it } from 'vitest'
import type { Alert } from '../../alerting/alert.ts'
import { alertMessage, alertMessageIn } from '../../alerting/alert-message.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { testSite } from './fixtures/alert-test-site.ts'

const site = testSite()
const zhSite = parseSite(
  `
site: { name: 测试小区, timezone: Asia/Shanghai, locale: zh-CN }
buildings:
  - { id: tower-a, name: 金茂大厦A座, floors: 88, basements: 2 }
devices:
  - { id: ta-12-smoke-01, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: 厨房走廊, secret: s3cret-ta-12 }
  - { id: ta-b2-elec-01, building: tower-a, floor: -2, zone: 配电房, kind: electrical_monitor, label: 总配电柜, secret: s3cret-ta-b2 }
`,
  'zh-site',
)
const base = {
  rule: 'smoke.alarm',
  building: 'tower-a',
  floor: 12,
  zone: '12-east',
  device: 'ta-12-smoke-01',
  metric: 'smoke_dbm',
  value: 0.31,
  detail: null,
}

describe('alertMessage', () => {
  it('When a smoke alarm is described, then it reads like the contract example', () => {
    expect(alertMessage(site, base)).toBe('Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)')
  })

  it('When the device is in a basement and the metric has a channel, then B2 and the channel appear', () => {
    const text = alertMessage(site, {
      ...base,
      rule: 'cable_temp.alarm',
      floor: -2,
      zone: 'switch-room',
      device: 'ta-b2-elec-01',
      metric: 'temperature_c:l1',
      value: 72.5,
    })
    // Never the metric id: the channel is named with what it measures.
    expect(text).toBe(
      'Cable temperature alarm: Tower A B2 switch-room, Main switchboard (cable temperature L1 72.5 °C)',
    )
  })

  it('When an event has no value, then there are no parentheses and the detail is appended', () => {
    const event = { ...base, rule: 'device.fault', metric: null, value: null }
    expect(alertMessage(site, { ...event, detail: 'chamber dirty' })).toBe(
      'Device fault: Tower A 12F 12-east, Kitchen corridor - chamber dirty',
    )
    expect(alertMessage(site, event)).toBe('Device fault: Tower A 12F 12-east, Kitchen corridor')
  })

  it('When a value has floating-point noise, then at most three decimals are shown', () => {
    expect(alertMessage(site, { ...base, value: 0.1 + 0.2 })).toContain('(0.3 dB/m)')
    expect(alertMessage(site, { ...base, rule: 'battery.low', metric: 'battery_pct', value: 12 })).toBe(
      'Battery low: Tower A 12F 12-east, Kitchen corridor (12 %)',
    )
  })

  it('When rule, building or device are unknown to the site, then their ids stand in', () => {
    const text = alertMessage(site, { ...base, rule: 'x.y', building: 'tower-z', device: 'ghost', floor: 1 })
    expect(text).toBe('x.y: tower-z 1F 12-east, ghost (0.31 dB/m)')
  })

  it('When the site speaks Chinese, then the message uses Chinese rule titles, floor names and punctuation', () => {
    expect(alertMessage(zhSite, base)).toBe(
      '感烟火警：金茂大厦A座 12层 12-east，厨房走廊，烟雾浓度 0.31 dB/m',
    )
    const cable = {
      ...base,
      rule: 'cable_temp.alarm',
      floor: -2,
      zone: '配电房',
      device: 'ta-b2-elec-01',
      metric: 'temperature_c:l1',
      value: 72.5,
      detail: '接头过热',
    }
    expect(alertMessage(zhSite, cable)).toBe(
      '线缆温度报警：金茂大厦A座 负二层 配电房，总配电柜，线缆温度（L1）72.5 °C，接头过热',
    )
  })

  it('When the gateway raised the alert itself on a Chinese site, then its detail is Chinese too', () => {
    const spread = {
      ...base,
      rule: 'fire.spread',
      zone: '',
      metric: null,
      value: null,
      scope: 'building' as const,
    }
    expect(alertMessage(zhSite, { ...spread, detail: 'floors 12F > 13F > B1' })).toBe(
      '火势跨楼层蔓延：金茂大厦A座，涉及楼层12层→13层→负一层',
    )
    const floor = {
      ...spread,
      rule: 'floor.offline',
      scope: 'floor' as const,
      detail: '4 of 4 devices offline',
    }
    expect(alertMessage(zhSite, floor)).toBe('整层离线：金茂大厦A座 12层，4个设备中4个离线')
    const offline = { ...base, rule: 'device.offline', metric: null, value: null }
    expect(alertMessage(zhSite, { ...offline, detail: 'status offline and not seen for 60 s' })).toBe(
      '设备离线：金茂大厦A座 12层 12-east，厨房走廊，状态离线，已60秒未收到消息',
    )
    // In English, as before.
    expect(alertMessage(site, { ...spread, detail: 'floors 12F > 13F' })).toBe(
      'Fire spreading between floors: Tower A - floors 12F > 13F',
    )
  })

  it("When a reader's language differs from the site's, then the message is rebuilt in theirs", () => {
    const alert = { ...base, message: alertMessage(zhSite, { ...base, detail: '测试' }) } as unknown as Alert
    expect(alertMessageIn(zhSite, alert, 'zh-CN')).toBe(alert.message)
    expect(alertMessageIn(zhSite, alert, 'en')).toBe(
      'Smoke alarm: 金茂大厦A座 12F 12-east, 厨房走廊 (0.31 dB/m)',
    )
  })
})
