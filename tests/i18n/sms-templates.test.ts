import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Alert } from '../../alerting/alert.ts'
import { alertMessage } from '../../alerting/alert-message.ts'
import { LOCALES, type Locale } from '../../alerting/i18n/locale.ts'
import { messagesFor } from '../../alerting/i18n/messages.ts'
import { signShortToken } from '../../alerting/notify/ack-token.ts'
import {
  alertNotification,
  allClearNotification,
  digestNotification,
} from '../../alerting/notify/message-builder.ts'
import { allClearText, notificationText } from '../../alerting/notify/message-text.ts'
import { smsSegments } from '../../alerting/notify/sms-segments.ts'
import { ALL_RULE_IDS, ruleSpec } from '../../alerting/rule-catalog.ts'
import type { MetricFamily } from '../../ingest/metrics-catalog.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { ROOT } from '../support/paths.ts'

// Every SMS template, in both languages, for every rule, with realistic names: a typical building
// and a long one in each script, a high floor and a basement, and a real signed ack link on a
// realistic PUBLIC_URL (about 110 characters: the link, not the words, sets a Chinese SMS's length).

const SITE = parseSite(
  `
site: { name: 滨江花园, timezone: Asia/Shanghai, locale: zh-CN }
buildings:
  - { id: jinmao, name: 金茂大厦A座, floors: 88, basements: 3 }
  - { id: binjiang, name: 陆家嘴滨江花园住宅区二期B座, floors: 40, basements: 2 }
  - { id: tower-a, name: Tower A, floors: 32, basements: 2 }
  - { id: riverside, name: Riverside Gardens Residential Tower B, floors: 40, basements: 2 }
devices:
  - { id: jm-12, building: jinmao, floor: 12, zone: 12-east, kind: smoke_detector, label: 厨房走廊, secret: secret-1 }
  - { id: bj-b2, building: binjiang, floor: -2, zone: 东区消防泵房, kind: pressure_sensor, label: 消防泵出水管（泵房北墙）, secret: secret-2 }
  - { id: ta-12, building: tower-a, floor: 12, zone: 12-east, kind: smoke_detector, label: Kitchen corridor, secret: secret-3 }
  - { id: rs-b2, building: riverside, floor: -2, zone: b2-pump-room-north, kind: pressure_sensor, label: "Fire pump outlet, pump room north wall", secret: secret-4 }
`,
  'sms-template-site',
)

/** An ack link as the gateway sends it (alerting/notify/ack-links.ts), behind a typical public name. */
const LINK = `https://fw.jinmao.cn/a/${signShortToken(Buffer.alloc(32, 7), 'Q2xvdWQtOT')}`
/** The alerts open at 10:00 UTC: 18:00 on the site's clock (Asia/Shanghai). */
const TIME = '18:00'

/** A value each metric family really shows when its rules fire. */
const VALUES: Record<MetricFamily, [string, number]> = {
  smoke_dbm: ['smoke_dbm', 0.312],
  temperature_c: ['temperature_c:l1', 72.5],
  pressure_mpa: ['pressure_mpa', 0.085],
  level_m: ['level_m', 0.95],
  residual_current_ma: ['residual_current_ma:main', 312],
  battery_pct: ['battery_pct', 12],
  rssi_dbm: ['rssi_dbm', -97],
  event_count: ['event_count', 3],
  time_s: ['time_s', 30],
  gas_lel_pct: ['gas_lel_pct', 25],
  voltage_v: ['voltage_v', 198.5],
  current_a: ['current_a', 12.5],
  flow_lps: ['flow_lps', 1.3],
  air_volume_m3min: ['air_volume_m3min', 450],
  wind_speed_mps: ['wind_speed_mps', 8],
}

const PLACES = {
  typical: { zh: 'jm-12', en: 'ta-12' },
  long: { zh: 'bj-b2', en: 'rs-b2' },
} as const

type Budget = Record<Locale, Record<keyof typeof PLACES, number>>

/**
 * Segments a text may take, by language and names. The ack link (41 characters here) is more than
 * half a UCS-2 segment: a Chinese fire page, which must carry the device and the time, takes two.
 */
const TEXT_BUDGET: Budget = { en: { typical: 1, long: 2 }, 'zh-CN': { typical: 1, long: 2 } }
const FIRE_BUDGET: Budget = { en: { typical: 1, long: 2 }, 'zh-CN': { typical: 2, long: 2 } }
/** Aliyun counts characters of any script, signature included: 70 for one SMS, 67 per part. */
const ALIYUN_BUDGET: Budget = { en: { typical: 3, long: 4 }, 'zh-CN': { typical: 3, long: 3 } }

function alertOf(rule: string, device: string): Alert {
  const spec = ruleSpec(rule)!
  const d = SITE.device(device)!
  const [metric, value] = spec.family ? VALUES[spec.family] : [null, null]
  const where = { building: d.building, floor: d.floor, zone: d.zone, device: d.id }
  return {
    id: '01KAP2Q8M4Z6X7Y8W9V0T1S2R3',
    building: d.building,
    floor: d.floor,
    zone: d.zone,
    device: d.id,
    class: spec.class,
    rule,
    metric,
    value,
    threshold: null,
    state: 'open',
    openedAt: '2026-11-22T10:00:00.000Z',
    acknowledgedAt: null,
    resolvedAt: null,
    message: alertMessage(SITE, { ...where, rule, metric, value, detail: null }),
    latched: false,
    repeats: 0,
    updatedAt: '2026-11-22T10:00:00.000Z',
    scope: 'device',
    evidence: [],
    tags: [],
    groupedUnder: null,
    incident: null,
  }
}

/** Names in the reader's script: Chinese buildings for Chinese readers and the other way round. */
function cases() {
  return LOCALES.flatMap((locale) =>
    (Object.keys(PLACES) as (keyof typeof PLACES)[]).flatMap((size) =>
      ALL_RULE_IDS.map((rule) => ({
        locale,
        size,
        rule,
        alert: alertOf(rule, PLACES[size][locale === 'en' ? 'en' : 'zh']),
      })),
    ),
  )
}

describe('SMS segments of every template', () => {
  it('When every rule is texted in both languages with realistic names, then each stays within its segment budget', () => {
    const over: string[] = []
    for (const { locale, size, rule, alert } of cases()) {
      const text = notificationText(alert, LINK, SITE, locale)
      const { segments, encoding } = smsSegments(text)
      const budget = (alert.class === 'fire' ? FIRE_BUDGET : TEXT_BUDGET)[locale][size]
      if (segments > budget) over.push(`${locale} ${size} ${rule}: ${segments} - ${text}`)
      if (locale === 'en') expect(encoding, text).toBe('GSM-7')
      // No link in an all-clear: one segment in both languages, whatever the names.
      const clear = allClearText(alert, SITE, locale)
      if (smsSegments(clear).segments > 1) over.push(`${locale} ${size} ${rule} all-clear: ${clear}`)
    }
    expect(over).toEqual([])
  })

  it('When a text is built, then it takes the segments of what it must carry, and carries that whole', () => {
    for (const { locale, rule, alert } of cases()) {
      const m = messagesFor(locale)
      const fire = alert.class === 'fire'
      const building = SITE.building(alert.building)!.name
      const place = m.place({ building, floor: m.floor(alert.floor), zone: alert.zone })
      const label = SITE.device(alert.device!)!.label
      const parts = { type: m.classWords[alert.class], title: null, place, measured: null, link: LINK }
      // Never cut: class, place, link, and a fire's time; a fire also carries its label, in two segments at most.
      const hard = m.smsAlert({ ...parts, time: fire ? TIME : null, label: null })
      const carried = m.smsAlert({ ...parts, time: TIME, label })
      const room = fire
        ? Math.max(smsSegments(hard).segments, Math.min(2, smsSegments(carried).segments))
        : smsSegments(hard).segments
      const text = notificationText(alert, LINK, SITE, locale)
      expect(smsSegments(text).segments, `${locale} ${rule}`).toBe(room)
      for (const part of [m.classWords[alert.class], place, LINK]) expect(text).toContain(part)
      if (fire) expect(text, text).toContain(TIME)
      if (fire && smsSegments(carried).segments <= 2) expect(text, text).toContain(label)
    }
  })

  it('When a real ack link is sent, then English carries everything in one segment and a Chinese fire the device and the time in two', () => {
    const en = notificationText(alertOf('smoke.alarm', 'ta-12'), LINK, SITE, 'en')
    expect(en).toBe(
      `FIRE 18:00: Smoke alarm, Tower A 12F 12-east, Kitchen corridor (0.312 dB/m). Ack: ${LINK}`,
    )
    expect(smsSegments(en)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
    const zh = notificationText(alertOf('smoke.alarm', 'jm-12'), LINK, SITE, 'zh-CN')
    expect(zh).toBe(`火警 18:00：感烟火警，金茂大厦A座 12层 12-east，厨房走廊（0.312 dB/m）。确认：${LINK}`)
    expect(smsSegments(zh)).toMatchObject({ encoding: 'UCS-2', segments: 2 })
    const long = notificationText(alertOf('pressure.low', 'bj-b2'), LINK, SITE, 'zh-CN')
    // A building name too long for one segment with the link: the essentials take two, and the
    // rest fills them.
    expect(long).toBe(
      `监管 18:00：水压低于规范最低值，陆家嘴滨江花园住宅区二期B座 负二层 东区消防泵房，消防泵出水管（泵房北墙）（0.085 MPa）。确认：${LINK}`,
    )
    expect(smsSegments(long)).toMatchObject({ encoding: 'UCS-2', segments: 2 })
    const typical = notificationText(alertOf('pressure.low', 'jm-12'), LINK, SITE, 'zh-CN')
    // Other classes keep to one segment: here the label is one character too many.
    expect(typical).toBe(`监管：金茂大厦A座 12层 12-east。确认：${LINK}`)
    expect(smsSegments(typical)).toMatchObject({ encoding: 'UCS-2', segments: 1 })
  })

  it('When the link is short, then a typical English text carries the rule and the value in one segment', () => {
    const short = 'https://fw.example.com/a/7Q2M9XD4KP3T'
    const text = notificationText(alertOf('pressure.low', 'ta-12'), short, SITE, 'en')
    expect(text).toBe(
      `SUPERVISORY 18:00: Pressure below code minimum, Tower A 12F 12-east, Kitchen corridor (0.085 MPa). Ack: ${short}`,
    )
    expect(smsSegments(text)).toMatchObject({ encoding: 'GSM-7', segments: 1 })
  })
})

describe('All-clear text', () => {
  it('When a fire is resolved, then each reader gets the all-clear in their language', () => {
    const alert = alertOf('smoke.alarm', 'jm-12')
    expect(allClearText(alert, SITE, 'zh-CN')).toBe(
      '已解除 18:00：火警，金茂大厦A座 12层 12-east，厨房走廊。',
    )
    expect(allClearText(alert, SITE, 'en')).toBe(
      'ALL CLEAR 18:00: FIRE 金茂大厦A座 12F 12-east, 厨房走廊, resolved.',
    )
    const params = allClearNotification({ key: 'k', alert, site: SITE, locale: 'zh-CN' }).params
    expect(params).toMatchObject({ type: '火警已解除', floor: '12层', link: '' })
  })
})

describe('Digest text', () => {
  it('When alerts are folded for a Chinese reader, then the digest lists them in Chinese with Chinese states', () => {
    const fault = { ...alertOf('device.fault', 'jm-12'), state: 'acknowledged' as const }
    const low = alertOf('pressure.low', 'bj-b2')
    const digest = digestNotification({
      key: 'k',
      alerts: [fault, low],
      ackAlert: low,
      ackUrl: LINK,
      site: SITE,
      budget: { max: 5, windowSec: 3600 },
      locale: 'zh-CN',
    })
    expect(digest.text.split('\n')).toEqual([
      'Firewatch 汇总：暂缓发送 2 条警情（每 60 分钟最多 5 条消息）',
      '- 故障：设备故障：金茂大厦A座 12层 12-east，厨房走廊（已确认）',
      '- 监管：水压低于规范最低值：陆家嘴滨江花园住宅区二期B座 负二层 东区消防泵房，消防泵出水管（泵房北墙），水压 0.085 MPa（未确认）',
      `确认最新一条：${LINK}`,
    ])
    expect(digest.title).toBe('监管：陆家嘴滨江花园住宅区二期B座')
  })
})

/** The Aliyun templates README.md tells operators to register, by template id and language. */
function readmeTemplates(): Map<string, string> {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
  const block = readme.split('<!-- aliyun-templates -->')[1]?.split('```')[1] ?? ''
  const lines = block
    .split('\n')
    .slice(1)
    .filter((l) => l.trim() !== '')
  return new Map(lines.map((l) => [l.split(/\s+/)[0]!, l.replace(/^\S+\s+/, '')]))
}

const SIGNATURE = '【滨江物业消防】'

/** Aliyun's billing: up to 70 characters is one SMS, longer ones count 67 characters a part. */
function aliyunSegments(text: string): number {
  const chars = Array.from(text).length
  return chars <= 70 ? 1 : Math.ceil(chars / 67)
}

describe('Aliyun templates', () => {
  const templates = readmeTemplates()

  it('When the README templates are read, then there is one per message and language', () => {
    expect([...templates.keys()].sort()).toEqual([
      'FW_ALERT.en',
      'FW_ALERT.zh-CN',
      'FW_ALL_CLEAR.en',
      'FW_ALL_CLEAR.zh-CN',
      'FW_DIGEST.en',
      'FW_DIGEST.zh-CN',
    ])
  })

  it('When every template is filled with realistic parameters, then every variable has a value and the SMS stays in budget', () => {
    const over: string[] = []
    for (const { locale, size, rule, alert } of cases()) {
      const alertMessage = alertNotification({ key: 'k', alert, ackUrl: LINK, site: SITE, locale })
      const digest = digestNotification({
        key: 'k',
        alerts: [alert, alert],
        ackAlert: alert,
        ackUrl: LINK,
        site: SITE,
        budget: { max: 5, windowSec: 3600 },
        locale,
      })
      const allClear = allClearNotification({ key: 'k', alert, site: SITE, locale })
      for (const message of [alertMessage, digest, allClear]) {
        const template = templates.get(`${message.template}.${locale}`)!
        const filled = template.replace(/\$\{(\w+)\}/g, (_, name: string) => {
          const value = message.params[name]
          if (value === undefined) over.push(`${message.template}.${locale} has no parameter ${name}`)
          return value ?? ''
        })
        const segments = aliyunSegments(SIGNATURE + filled)
        if (segments > ALIYUN_BUDGET[locale][size])
          over.push(`${locale} ${size} ${rule}: ${segments} - ${filled}`)
      }
    }
    expect(over).toEqual([])
  })

  it('When parameters are made for a Chinese reader, then they are Chinese and each is at most 35 characters', () => {
    const message = alertNotification({
      key: 'k',
      alert: alertOf('pressure.low', 'bj-b2'),
      ackUrl: LINK,
      site: SITE,
      locale: 'zh-CN',
    })
    expect(message.params).toEqual({
      type: '监管',
      rule: '水压低于规范最低值',
      building: '陆家嘴滨江花园住宅区二期B座',
      floor: '负二层',
      zone: '东区消防泵房',
      device: '消防泵出水管（泵房北墙）',
      value: '0.085 MPa',
      time: '11月22日 18:00',
      link: LINK,
    })
    for (const [name, value] of Object.entries(message.params)) {
      if (name !== 'link') expect(Array.from(value).length, name).toBeLessThanOrEqual(35)
    }
  })
})
