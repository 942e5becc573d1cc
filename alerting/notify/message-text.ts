import type { SiteModel } from '../../ingest/site-model.ts'
import type { Alert } from '../alert.ts'
import { scopePlace } from '../alert-message.ts'
import type { Locale } from '../i18n/locale.ts'
import { measuredText } from '../i18n/measured-text.ts'
import { messagesFor, ruleTitle } from '../i18n/messages.ts'
import { formatShortTime } from '../i18n/time-format.ts'

// The words of a notification come from the catalogues in alerting/i18n/ (README "Languages"); this module
// picks which parts go in and shortens the text until it fits one SMS.

// GSM 03.38 default alphabet (one septet each) and its extension table (escape + char: two).
const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
)
const GSM7_EXTENDED = new Set('^{}\\[~]|€\f')
const GSM7_SINGLE = 160
const GSM7_PART = 153
const UCS2_SINGLE = 70
const UCS2_PART = 67
/** Aliyun counts template variables in characters; notification templates allow 35 per variable. */
const TEMPLATE_PARAM_MAX = 35

export interface SmsSegments {
  encoding: 'GSM-7' | 'UCS-2'
  /** Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole text. */
  units: number
  /** SMS messages the text is billed and delivered as (concatenated SMS when more than one). */
  segments: number
}

/** How many SMS segments a text takes: one non-GSM-7 character switches the whole text to UCS-2. */
export function smsSegments(text: string): SmsSegments {
  const chars = Array.from(text)
  if (chars.every((c) => GSM7_BASIC.has(c) || GSM7_EXTENDED.has(c))) {
    const sizes = chars.map((c) => (GSM7_EXTENDED.has(c) ? 2 : 1))
    return countParts('GSM-7', sizes, GSM7_SINGLE, GSM7_PART)
  }
  // Characters outside the BMP (emoji, rare CJK) are surrogate pairs: two UCS-2 units.
  return countParts(
    'UCS-2',
    chars.map((c) => c.length),
    UCS2_SINGLE,
    UCS2_PART,
  )
}

function countParts(encoding: SmsSegments['encoding'], sizes: number[], single: number, part: number) {
  const units = sizes.reduce((a, b) => a + b, 0)
  if (units <= single) return { encoding, units, segments: 1 }
  // An escape pair or a surrogate pair is never split between two parts of a concatenated SMS.
  let segments = 1
  let used = 0
  for (const size of sizes) {
    if (used + size > part) {
      segments++
      used = 0
    }
    used += size
  }
  return { encoding, units, segments }
}

/** Where the alert is, as in alert messages: "Tower A 12F 12-east" / "Tower A 12层 12-east". */
function placeOf(alert: Alert, site: SiteModel, locale: Locale = site.locale): string {
  return scopePlace(site, alert, locale)
}

/** The label cut to `length` characters (never inside a surrogate pair), marked as cut. */
function cut(label: string, length: number, locale: Locale): string {
  return `${Array.from(label).slice(0, length).join('').trimEnd()}${messagesFor(locale).ellipsis}`
}

/**
 * The SMS / push text of an alert in the reader's language: class, building, floor, zone and the
 * ack link always; the rule, the device label and the value while the text still fits one SMS
 * segment (160 GSM-7 or 70 UCS-2 characters). When even the essentials do not fit, they are sent
 * whole rather than cut (a building name must never be truncated), and what else fits in the
 * segments they take goes with them: a Chinese text with an ack link rarely fits 70 characters.
 */
export function notificationText(
  alert: Alert,
  ackUrl: string,
  site: SiteModel,
  locale: Locale = site.locale,
): string {
  const m = messagesFor(locale)
  const base = { type: m.classWords[alert.class], place: placeOf(alert, site, locale), link: ackUrl }
  const title = ruleTitle(m, alert.rule)
  const label = labelOf(alert, site, locale)
  // English keeps to GSM-7 (no degree sign); Chinese is UCS-2 whatever it holds.
  const measured = measuredText(m, alert.metric, alert.value, { gsm: locale === 'en', channel: false })
  const essentials = m.smsAlert({ ...base, title: null, label: null, measured: null })
  const room = smsSegments(essentials).segments
  const fits = (text: string) => smsSegments(text).segments <= room
  const candidates = [
    m.smsAlert({ ...base, title, label, measured }),
    m.smsAlert({ ...base, title, label, measured: null }),
    m.smsAlert({ ...base, title: null, label, measured: null }),
  ]
  const fitting = candidates.find(fits)
  if (fitting !== undefined) return fitting
  const labelChars = Array.from(label).length
  for (let length = labelChars - 1; length >= 4; length--) {
    const text = m.smsAlert({ ...base, title: null, label: cut(label, length, locale), measured: null })
    if (fits(text)) return text
  }
  return essentials
}

/**
 * Template parameters for providers that only send pre-approved templates (Aliyun SMS), in the
 * reader's language. Names are the variables of the templates the operator registers; README.md
 * ("Languages") gives a Chinese and an English template that use every one of them.
 */
export function notificationParams(
  alert: Alert,
  ackUrl: string,
  site: SiteModel,
  locale: Locale = site.locale,
): Record<string, string> {
  const m = messagesFor(locale)
  const room = TEMPLATE_PARAM_MAX - Array.from(m.ellipsis).length
  const limit = (text: string) =>
    Array.from(text).length > TEMPLATE_PARAM_MAX ? cut(text, room, locale) : text
  return {
    type: m.classWords[alert.class],
    rule: limit(ruleTitle(m, alert.rule)),
    building: limit(site.building(alert.building)?.name ?? alert.building),
    floor: m.floor(alert.floor),
    zone: limit(alert.zone),
    device: limit(labelOf(alert, site, locale)),
    // A template cannot leave a variable out, so an event without a value says so with a dash.
    value: measuredText(m, alert.metric, alert.value, { channel: false }) ?? '-',
    time: formatShortTime(alert.openedAt, site.timezone, locale),
    // A link is never shortened: a cut link is a broken link.
    link: ackUrl,
  }
}

/**
 * The all-clear sent after a resolve to those who were told of the alert: what it was and where,
 * in one SMS segment where possible. No link: there is nothing left to acknowledge.
 */
export function allClearText(alert: Alert, site: SiteModel, locale: Locale = site.locale): string {
  const m = messagesFor(locale)
  const base = { type: m.classWords[alert.class], place: placeOf(alert, site, locale) }
  const full = m.smsAllClear({ ...base, label: labelOf(alert, site, locale) })
  return smsSegments(full).segments === 1 ? full : m.smsAllClear({ ...base, label: null })
}

/** Template parameters of the all-clear: those of the alert, with `type` saying it is over. */
export function allClearParams(
  alert: Alert,
  site: SiteModel,
  locale: Locale = site.locale,
): Record<string, string> {
  const m = messagesFor(locale)
  return {
    ...notificationParams(alert, '', site, locale),
    type: m.allClearType({ type: m.classWords[alert.class] }),
  }
}

/** The device's label; for zone, floor and building alerts what they cover (floors, or devices). */
function labelOf(alert: Alert, site: SiteModel, locale: Locale): string {
  const m = messagesFor(locale)
  if (alert.device !== null) return site.labelOf(alert.device)
  // A fire panel part the site does not place (docs/gbt26875.md): its zone holds the panel's text.
  if (alert.scope === 'building' && alert.evidence.length === 0) return alert.zone
  if (alert.scope === 'building') {
    const floors = [...new Set(alert.evidence.map((e) => e.floor))].sort((a, b) => a - b)
    return m.scopeFloors({ floors: floors.map((f) => m.floor(f)) })
  }
  return m.scopeDevices({ count: new Set(alert.evidence.map((e) => e.device)).size })
}
