import type { Locale } from './locale.ts'

// Times a person reads, in the site's time zone and the locale's habit, with Intl only. 24-hour
// clocks in both: en-US would put a narrow no-break space and "PM" into the text, and that one
// non-GSM-7 character would halve an English SMS.

const LONG: Record<Locale, { tag: string; options: Intl.DateTimeFormatOptions }> = {
  // 22 Nov 2026, 18:00:00
  en: {
    tag: 'en-GB',
    options: {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    },
  },
  // 2026年11月22日 18:00:00
  'zh-CN': {
    tag: 'zh-CN',
    options: {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    },
  },
}

const SHORT: Record<Locale, { tag: string; options: Intl.DateTimeFormatOptions }> = {
  // 22 Nov, 18:00
  en: {
    tag: 'en-GB',
    options: { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  },
  // 11月22日 18:00
  'zh-CN': {
    tag: 'zh-CN',
    options: { day: 'numeric', month: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' },
  },
}

const cache = new Map<string, Intl.DateTimeFormat>()

function formatter(style: 'long' | 'short', locale: Locale, timeZone: string, zoneName: boolean) {
  const key = `${style}|${locale}|${timeZone}|${zoneName}`
  let found = cache.get(key)
  if (!found) {
    const { tag, options } = (style === 'long' ? LONG : SHORT)[locale]
    found = new Intl.DateTimeFormat(tag, {
      ...options,
      timeZone,
      ...(zoneName ? { timeZoneName: 'short' } : {}),
    })
    cache.set(key, found)
  }
  return found
}

/** "22 Nov 2026, 18:00:00 GMT+8" / "2026年11月22日 18:00:00（GMT+8）": the zone is named. */
export function formatDateTime(at: string | number, timeZone: string, locale: Locale): string {
  const date = new Date(at)
  const text = formatter('long', locale, timeZone, false).format(date)
  const zone = formatter('long', locale, timeZone, true)
    .formatToParts(date)
    .find((p) => p.type === 'timeZoneName')?.value
  if (!zone) return text
  return locale === 'zh-CN' ? `${text}（${zone}）` : `${text} ${zone}`
}

/** "22 Nov, 18:00" / "11月22日 18:00": for SMS template parameters, where room is short. */
export function formatShortTime(at: string | number, timeZone: string, locale: Locale): string {
  return formatter('short', locale, timeZone, false).format(new Date(at))
}

const clocks = new Map<string, Intl.DateTimeFormat>()

/**
 * "14:05": the site's clock, 23-hour in every language (h23: 00:13, never 24:13), for the texts that
 * have the least room (SMS). The same digits in Chinese and English, all GSM-7.
 */
export function formatClockTime(at: string | number, timeZone: string): string {
  let clock = clocks.get(timeZone)
  if (!clock) {
    clock = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
    clocks.set(timeZone, clock)
  }
  return clock.format(new Date(at))
}
