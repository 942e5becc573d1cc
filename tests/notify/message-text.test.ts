import { describe, expect, it } from 'vitest'
import { notificationParams, notificationText } from '../../alerting/notify/message-text.ts'
import { smsSegments } from '../../alerting/notify/sms-segments.ts'
import { ACK_URL, alertFor, notifySite } from './channel-fixtures.ts'

const site = notifySite()
const repeat = (text: string, times: number) => text.repeat(times)

describe('smsSegments', () => {
  it('When a GSM-7 text has 160 characters, then it is one segment; at 161 it is two of 153', () => {
    expect(smsSegments(repeat('a', 160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 })
    expect(smsSegments(repeat('a', 161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 })
    expect(smsSegments(repeat('a', 306)).segments).toBe(2)
    expect(smsSegments(repeat('a', 307)).segments).toBe(3)
  })

  it('When GSM-7 extension characters are used, then each counts two septets and a pair is never split', () => {
    expect(smsSegments(repeat('{', 80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 })
    expect(smsSegments(repeat('€', 81)).segments).toBe(2)
    // 306 septets would fit two parts of 153, but the euro sign cannot straddle the boundary.
    const text = `${repeat('a', 152)}€${repeat('a', 152)}`
    expect(smsSegments(text)).toEqual({ encoding: 'GSM-7', units: 306, segments: 3 })
  })

  it('When one character is outside GSM-7, then the whole text is UCS-2 with 70 and 67 per part', () => {
    expect(smsSegments(repeat('中', 70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 })
    expect(smsSegments(repeat('中', 71)).segments).toBe(2)
    expect(smsSegments(repeat('中', 134)).segments).toBe(2)
    expect(smsSegments(repeat('中', 135)).segments).toBe(3)
    // The degree sign alone is enough to halve the room of an otherwise ASCII text.
    expect(smsSegments(`${repeat('a', 70)}°`)).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 })
  })

  it('When an emoji (a surrogate pair) falls on a part boundary, then it moves whole to the next part', () => {
    const text = `${repeat('中', 66)}🔥${repeat('中', 66)}`
    expect(smsSegments(text)).toEqual({ encoding: 'UCS-2', units: 134, segments: 3 })
  })
})

describe('notificationText', () => {
  it('When the contract example alarm is notified, then every part, the site time included, fits one GSM-7 segment', () => {
    const text = notificationText(alertFor(), ACK_URL, site)
    expect(text).toBe(
      `FIRE 18:00: Smoke alarm, Tower A 12F 12-east, Kitchen corridor (0.31 dB/m). Ack: ${ACK_URL}`,
    )
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
  })

  it('When a basement cable alarm in degrees is notified, then B2 appears and the text stays GSM-7', () => {
    const alert = alertFor({
      device: 'ta-b2-elec-01',
      floor: -2,
      zone: 'switch-room',
      class: 'supervisory',
      rule: 'cable_temp.alarm',
      metric: 'temperature_c:l1',
      value: 72.5,
    })
    const text = notificationText(alert, ACK_URL, site)
    expect(text).toBe(
      `SUPERVISORY 18:00: Cable temperature alarm, Tower A B2 switch-room, Main switchboard (72.5 C). Ack: ${ACK_URL}`,
    )
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
  })

  it('When a fire device has a very long label, then the page takes two segments and carries it whole', () => {
    const text = notificationText(alertFor({ device: 'ta-12-smoke-02' }), ACK_URL, site)
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 2 })
    expect(text).toContain('Kitchen corridor between the service lift')
    expect(text).toContain('beside fire door FD-12-07')
    expect(text.startsWith('FIRE 18:00: ')).toBe(true)
  })

  it('When a fault of that device is notified, then the label is cut to keep one segment and the essentials stay', () => {
    const alert = alertFor({ device: 'ta-12-smoke-02', class: 'fault', rule: 'device.fault' })
    const text = notificationText(alert, ACK_URL, site)
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
    expect(text.startsWith('FAULT: Tower A 12F 12-east, Kitchen corridor between the service lift')).toBe(
      true,
    )
    expect(text).toMatch(/\.\.\. Ack: https:\/\/fw\.example\.com\/a\/7Q2M9XD4KP3T$/)
    expect(text.length).toBeGreaterThan(150)
  })

  it('When the building name is Chinese, then the text is UCS-2 and a fire takes the two segments its label and time need', () => {
    const alert = alertFor({ building: 'jinmao', device: 'jm-30-smoke-01', floor: 30, zone: '30-north' })
    const text = notificationText(alert, ACK_URL, site)
    expect(text).toBe(
      `FIRE 18:00: Smoke alarm, 金茂大厦A座 30F 30-north, 厨房走廊 (0.31 dB/m). Ack: ${ACK_URL}`,
    )
    expect(smsSegments(text)).toEqual({ encoding: 'UCS-2', units: 106, segments: 2 })
    const fault = notificationText({ ...alert, class: 'fault', rule: 'device.fault' }, ACK_URL, site)
    expect(fault).toBe(`FAULT: 金茂大厦A座 30F 30-north. Ack: ${ACK_URL}`)
    expect(smsSegments(fault)).toMatchObject({ encoding: 'UCS-2', segments: 1 })
  })

  it('When even the essentials exceed one segment, then they are sent whole over two with what else fits there', () => {
    const alert = alertFor({ building: 'long-cn', device: 'lc-45-smoke-01', floor: 45, zone: '45-west' })
    const text = notificationText(alert, ACK_URL, site)
    expect(text).toBe(
      `FIRE 18:00: Smoke alarm, 上海市浦东新区陆家嘴环路一千零八十八号国际金融中心二期北塔楼商务办公区 45F 45-west, 电梯厅 (0.31 dB/m). Ack: ${ACK_URL}`,
    )
    expect(smsSegments(text)).toEqual({ encoding: 'UCS-2', units: 133, segments: 2 })
  })

  it('When an alert has no value, then the class word and the rule still lead the text', () => {
    const alert = alertFor({ class: 'offline', rule: 'device.offline', metric: null, value: null })
    expect(notificationText(alert, ACK_URL, site)).toBe(
      `OFFLINE 18:00: Device offline, Tower A 12F 12-east, Kitchen corridor. Ack: ${ACK_URL}`,
    )
  })
})

describe('notificationParams', () => {
  it('When template parameters are made, then each is at most 35 characters and the link is whole', () => {
    const alert = alertFor({ device: 'ta-12-smoke-02', floor: -1 })
    const params = notificationParams(alert, `${ACK_URL}/with/a/much/longer/path`, site)
    expect(params).toMatchObject({ type: 'FIRE', building: 'Tower A', floor: 'B1', zone: '12-east' })
    expect(params.device).toBe('Kitchen corridor between the ser...')
    expect(params.device).toHaveLength(35)
    expect(params.link).toBe(`${ACK_URL}/with/a/much/longer/path`)
    const chinese = notificationParams(
      alertFor({ building: 'jinmao', device: 'jm-30-smoke-01' }),
      ACK_URL,
      site,
    )
    expect(chinese).toMatchObject({ building: '金茂大厦A座', device: '厨房走廊' })
  })
})
