import type { SiteModel } from '../../ingest/index.ts'
import type { Alert } from '../alert.ts'
import { scopePlace } from '../alert-message.ts'
import type { Catalogue, SmsParts } from '../i18n/catalogue.ts'
import type { Locale } from '../i18n/locale.ts'
import { measuredText } from '../i18n/measured-text.ts'
import { messagesFor, ruleTitle } from '../i18n/messages.ts'
import { formatClockTime, formatShortTime } from '../i18n/time-format.ts'
import { smsSegments } from './sms-segments.ts'

// The words of a notification come from the catalogues in alerting/i18n/ (README "Languages"); this
// module picks which parts go in and how many SMS segments a text may take (README "Languages": SMS
// length).

/** Aliyun counts template variables in characters; notification templates allow 35 per variable. */
const TEMPLATE_PARAM_MAX = 35
/**
 * A fire page may take two segments so that it carries the device and the time: a Chinese one
 * (UCS-2, 67 characters a part) needs them with any real ack link; an English one rarely does.
 */
export const FIRE_MAX_SEGMENTS = 2

/** Where the alert is, as in alert messages: "Tower A 12F 12-east" / "Tower A 12层 12-east". */
function placeOf(alert: Alert, site: SiteModel, locale: Locale = site.locale): string {
  return scopePlace(site, alert, locale)
}

/** The label cut to `length` characters (never inside a surrogate pair), marked as cut. */
export function cut(label: string, length: number, locale: Locale): string {
  return `${Array.from(label).slice(0, length).join('').trimEnd()}${messagesFor(locale).ellipsis}`
}

/**
 * The SMS / push text of an alert in the reader's language. Never cut: the class, building, floor,
 * zone and the ack link; for fire, the site time too. A fire page carries the device label and the
 * time in the segments they need (one GSM-7 segment in English with typical names, two UCS-2
 * segments in Chinese), at most two: a label that needs more is cut. Other classes take as few
 * segments as their essentials need (one where possible) and add the label, the time, the rule and
 * the value as they fit. What fits in the segments taken is added: the rule, then the value.
 */
export function notificationText(
  alert: Alert,
  ackUrl: string,
  site: SiteModel,
  locale: Locale = site.locale,
): string {
  const m = messagesFor(locale)
  const fire = alert.class === 'fire'
  const time = formatClockTime(alert.openedAt, site.timezone)
  const label = labelOf(alert, site, locale)
  const title = ruleTitle(m, alert.rule)
  // English keeps to GSM-7 (no degree sign); Chinese is UCS-2 whatever it holds.
  const measured = measuredText(m, alert.metric, alert.value, { gsm: locale === 'en', named: false })
  const text = smsText(m, {
    type: m.classWords[alert.class],
    place: placeOf(alert, site, locale),
    link: ackUrl,
  })
  const hard = text({ time: fire ? time : null })
  const room = fire
    ? Math.max(
        smsSegments(hard).segments,
        Math.min(FIRE_MAX_SEGMENTS, smsSegments(text({ time, label })).segments),
      )
    : smsSegments(hard).segments
  const fits = (t: string) => smsSegments(t).segments <= room
  const candidates = [
    text({ title, label, measured, time }),
    text({ title, label, time }),
    text({ label, time }),
    ...(fire ? [] : [text({ label })]),
  ]
  const fitting = candidates.find(fits)
  if (fitting !== undefined) return fitting
  for (let length = Array.from(label).length - 1; length >= 4; length--) {
    const shorter = text({ label: cut(label, length, locale), time: fire ? time : null })
    if (fits(shorter)) return shorter
  }
  return hard
}

type Optional = Partial<Pick<SmsParts, 'time' | 'title' | 'label' | 'measured'>>

/** The alert SMS of the catalogue, its optional parts left out unless given. */
function smsText(m: Catalogue, base: Pick<SmsParts, 'type' | 'place' | 'link'>) {
  return (p: Optional): string =>
    m.smsAlert({
      ...base,
      time: p.time ?? null,
      title: p.title ?? null,
      label: p.label ?? null,
      measured: p.measured ?? null,
    })
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
    value: measuredText(m, alert.metric, alert.value, { named: false }) ?? '-',
    time: formatShortTime(alert.openedAt, site.timezone, locale),
    // A link is never shortened: a cut link is a broken link.
    link: ackUrl,
  }
}

/**
 * The all-clear sent after a resolve to those who were told of the alert: what it was, where, and
 * when it ended, in one SMS segment where possible (the label, then the time, give way). No link:
 * there is nothing left to acknowledge.
 */
export function allClearText(alert: Alert, site: SiteModel, locale: Locale = site.locale): string {
  const m = messagesFor(locale)
  const base = { type: m.classWords[alert.class], place: placeOf(alert, site, locale) }
  const time = formatClockTime(alert.resolvedAt ?? alert.updatedAt, site.timezone)
  return oneSegment([
    m.smsAllClear({ ...base, label: labelOf(alert, site, locale), time }),
    m.smsAllClear({ ...base, label: null, time }),
    m.smsAllClear({ ...base, label: null, time: null }),
  ])
}

/** The first text that fits one segment, else the last (the shortest). */
export function oneSegment(texts: readonly string[]): string {
  return texts.find((t) => smsSegments(t).segments === 1) ?? texts.at(-1)!
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
