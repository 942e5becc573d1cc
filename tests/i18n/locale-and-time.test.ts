import { describe, expect, it } from 'vitest'
import { localeFromAcceptLanguage, recipientLocale } from '../../alerting/i18n/locale.ts'
import { formatDateTime, formatShortTime } from '../../alerting/i18n/time-format.ts'
import { smsSegments } from '../../alerting/notify/sms-segments.ts'

const AT = '2026-11-22T10:00:00.000Z'

describe('Choosing the language', () => {
  it("When a contact names a language, then it overrides the site's; otherwise the site's applies", () => {
    expect(recipientLocale({ locale: 'en' }, 'zh-CN')).toBe('en')
    expect(recipientLocale({ locale: 'zh-CN' }, 'en')).toBe('zh-CN')
    expect(recipientLocale({}, 'zh-CN')).toBe('zh-CN')
    expect(recipientLocale(undefined, 'en')).toBe('en')
  })

  it('When a browser sends Accept-Language, then the best supported language by q-value wins', () => {
    expect(localeFromAcceptLanguage('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh-CN')
    expect(localeFromAcceptLanguage('en-GB,en;q=0.9,zh-CN;q=0.8')).toBe('en')
    expect(localeFromAcceptLanguage('fr-FR, zh-TW;q=0.5, en;q=0.4')).toBe('zh-CN')
    expect(localeFromAcceptLanguage('en;q=0.3, zh;q=0.7')).toBe('zh-CN')
    expect(localeFromAcceptLanguage('zh;q=0, en')).toBe('en')
    expect(localeFromAcceptLanguage('de, fr')).toBeNull()
    expect(localeFromAcceptLanguage('')).toBeNull()
    expect(localeFromAcceptLanguage(undefined)).toBeNull()
  })
})

describe('Times in the site time zone', () => {
  it("When a time is shown, then it is in the site's zone, in each language's habit, with the zone named", () => {
    expect(formatDateTime(AT, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月22日 18:00:00（GMT+8）')
    expect(formatDateTime(AT, 'Asia/Shanghai', 'en')).toBe('22 Nov 2026, 18:00:00 GMT+8')
    expect(formatDateTime(AT, 'Europe/London', 'en')).toBe('22 Nov 2026, 10:00:00 GMT')
    expect(formatDateTime(Date.parse(AT), 'America/New_York', 'en')).toBe('22 Nov 2026, 05:00:00 GMT-5')
  })

  it('When a time crosses midnight in the site zone, then the local date is shown, not the UTC one', () => {
    const lateUtc = '2026-11-22T20:30:00.000Z'
    expect(formatDateTime(lateUtc, 'Asia/Shanghai', 'zh-CN')).toBe('2026年11月23日 04:30:00（GMT+8）')
    expect(formatShortTime(lateUtc, 'Asia/Shanghai', 'zh-CN')).toBe('11月23日 04:30')
    expect(formatShortTime(lateUtc, 'Asia/Shanghai', 'en')).toBe('23 Nov, 04:30')
  })

  it('When an English time goes into an SMS, then it stays GSM-7 (a 24-hour clock, no narrow spaces)', () => {
    for (const tz of ['Asia/Shanghai', 'America/Los_Angeles', 'Europe/Berlin']) {
      expect(smsSegments(formatShortTime(AT, tz, 'en')).encoding, tz).toBe('GSM-7')
      expect(smsSegments(formatDateTime(AT, tz, 'en')).encoding, tz).toBe('GSM-7')
    }
  })
})
