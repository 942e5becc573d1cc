import type { AlertClass, AlertState, HistoryAction } from '../../../alerting/alert.ts'
import type { WallStatus } from '../../live/live-state.ts'
import { EN, type MessageKey } from './i18n-en.ts'
import { ZH_CN } from './i18n-zh-cn.ts'

export type { MessageKey }
export const LOCALES = ['en', 'zh-CN'] as const
export type Locale = (typeof LOCALES)[number]

const CATALOGUES: Record<Locale, Record<MessageKey, string>> = { en: EN, 'zh-CN': ZH_CN }
const LOCALE_KEY = 'firewatch.locale'

/** The one the user picked (kept in localStorage), else the browser's: zh* → zh-CN, else en. */
export function initialLocale(stored: string | null, browser: string): Locale {
  if (stored === 'en' || stored === 'zh-CN') return stored
  return browser.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

let locale: Locale = initialLocale(localStorage.getItem(LOCALE_KEY), navigator.language)
/** Until the first snapshot names the site's zone, the browser's own. */
let timeZone: string | undefined
let timeFormat = makeTimeFormat()
let dateTimeFormat = makeDateTimeFormat()

export function currentLocale(): Locale {
  return locale
}

export function setLocale(next: Locale): void {
  locale = next
  localStorage.setItem(LOCALE_KEY, next)
  remakeFormats()
}

/** The site's IANA zone (snapshot `site.timezone`): a control room abroad still sees site time. */
export function setSiteTimeZone(zone: string): void {
  if (zone === timeZone) return
  timeZone = zone
  remakeFormats()
}

export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = CATALOGUES[locale][key]
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole))
}

// Key maps instead of `status.${s}`: every key is written out, so the catalogue test can see its use.
export const STATUS_KEY: Record<WallStatus, MessageKey> = {
  red: 'status.red',
  yellow: 'status.yellow',
  grey: 'status.grey',
  green: 'status.green',
  unknown: 'status.unknown',
}
export const CLASS_KEY: Record<AlertClass, MessageKey> = {
  fire: 'class.fire',
  warning: 'class.warning',
  supervisory: 'class.supervisory',
  fault: 'class.fault',
  offline: 'class.offline',
}
export const STATE_KEY: Record<AlertState | 'active' | 'all', MessageKey> = {
  open: 'state.open',
  acknowledged: 'state.acknowledged',
  resolved: 'state.resolved',
  active: 'state.active',
  all: 'state.all',
}
export const HISTORY_KEY: Record<HistoryAction, MessageKey> = {
  opened: 'history.opened',
  repeated: 'history.repeated',
  acknowledged: 'history.acknowledged',
  resolved: 'history.resolved',
  cleared: 'history.cleared',
  escalated: 'history.escalated',
  note: 'history.note',
  notified: 'history.notified',
  grouped: 'history.grouped',
}

export function statusWord(s: WallStatus): string {
  return t(STATUS_KEY[s])
}

export function classWord(c: AlertClass): string {
  return t(CLASS_KEY[c])
}

const CHINESE_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十']

/** 12F / 12层 above ground; B1 / 负一层 for the first basement (Chinese numerals, as on lift panels). */
export function floorName(floor: number): string {
  if (floor >= 0) return t('floor.above', { n: floor })
  const depth = -floor
  const n = locale === 'zh-CN' && depth <= 10 ? CHINESE_DIGITS[depth]! : String(depth)
  return t('floor.below', { n })
}

/** Wall-clock time in the site's zone, each locale's format: 21:08:05. */
export function clockTime(at: string | number): string {
  return timeFormat.format(new Date(at))
}

/** Date and time in the site's zone: "22 Nov 2026, 21:08:05" / "2026/11/22 21:08:05". */
export function dateTime(at: string | number): string {
  return dateTimeFormat.format(new Date(at))
}

function remakeFormats(): void {
  timeFormat = makeTimeFormat()
  dateTimeFormat = makeDateTimeFormat()
}

// hourCycle 'h23' rather than the `hour12` option set to false: for locales whose default clock is
// 12-hour (en = en-US) that meant cycle h24 in older engines (Node 20, older browsers): 24:13 for 00:13.

function makeTimeFormat(): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
}

function makeDateTimeFormat(): Intl.DateTimeFormat {
  return new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: locale === 'en' ? 'short' : '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
}

/**
 * Fills the static page (index.html): the text of every `data-i18n="key"` element, the aria-label
 * and tooltip of every `data-i18n-label="key"` one, and the page's language.
 */
export function translateStatic(root: ParentNode): void {
  document.documentElement.lang = locale
  document.title = t('app.title')
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n]')) {
    el.textContent = t(el.dataset.i18n as MessageKey)
  }
  for (const el of root.querySelectorAll<HTMLElement>('[data-i18n-label]')) {
    const label = t(el.dataset.i18nLabel as MessageKey)
    el.setAttribute('aria-label', label)
    el.title = label
  }
}
