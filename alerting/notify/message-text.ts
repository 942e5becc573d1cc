import { METRIC_UNITS, parseMetricName } from '../../ingest/metrics-catalog.ts'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { Alert, AlertClass } from '../alert.ts'
import { floorLabel } from '../alert-message.ts'
import { derivedRuleTitle } from '../fire/fire-rule-ids.ts'
import { ruleSpec } from '../rule-catalog.ts'

// Every word a person reads in a notification lives in this module, so that a translation
// (issue 10) replaces one file. Texts are built from parts and shortened until they fit one SMS.

const CLASS_WORDS: Record<AlertClass, string> = {
  fire: 'FIRE',
  warning: 'WARNING',
  supervisory: 'SUPERVISORY',
  fault: 'FAULT',
  offline: 'OFFLINE',
}

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

const fitsOneSegment = (text: string): boolean => smsSegments(text).segments === 1

/** Where the alert is, as in alert messages: "Tower A 12F 12-east" (basements: B1, B2). */
function placeOf(alert: Alert, site: SiteModel): string {
  const building = site.building(alert.building)?.name ?? alert.building
  const floor = alert.floor < 0 ? `B${-alert.floor}` : `${alert.floor}F`
  return `${building} ${floor} ${alert.zone}`
}

/** "0.31 dB/m"; the degree sign is left out because it is not GSM-7 and would halve the SMS. */
function valueText(alert: Alert): string | null {
  if (alert.value === null) return null
  const metric = alert.metric === null ? null : parseMetricName(alert.metric)
  const unit = metric ? ` ${METRIC_UNITS[metric.family].replace('°', '')}` : ''
  return `${Number(alert.value.toFixed(3))}${unit}`
}

/** The label cut to `length` characters (never inside a surrogate pair), marked with ASCII dots. */
function cut(label: string, length: number): string {
  return `${Array.from(label).slice(0, length).join('').trimEnd()}...`
}

/**
 * The SMS / push text of an alert: class, building, floor, zone and the ack link always; the rule,
 * the device label and the value while the text still fits one SMS segment (160 GSM-7 or 70
 * UCS-2 characters). When even the essentials do not fit, they are sent whole over two segments
 * rather than cut: a building name must never be truncated.
 */
export function notificationText(alert: Alert, ackUrl: string, site: SiteModel): string {
  const head = `${CLASS_WORDS[alert.class]}: `
  const place = placeOf(alert, site)
  const title = ruleSpec(alert.rule)?.title ?? derivedRuleTitle(alert.rule) ?? alert.rule
  const label = labelOf(alert, site)
  const value = valueText(alert)
  const tail = `. Ack: ${ackUrl}`
  const measured = value === null ? '' : ` (${value})`
  const candidates = [
    `${head}${title}, ${place}, ${label}${measured}${tail}`,
    `${head}${title}, ${place}, ${label}${tail}`,
    `${head}${place}, ${label}${tail}`,
  ]
  const fitting = candidates.find(fitsOneSegment)
  if (fitting !== undefined) return fitting
  const labelChars = Array.from(label).length
  for (let length = labelChars - 1; length >= 4; length--) {
    // The dots of the cut label already end the sentence.
    const text = `${head}${place}, ${cut(label, length)} Ack: ${ackUrl}`
    if (fitsOneSegment(text)) return text
  }
  return `${head}${place}${tail}`
}

/**
 * Template parameters for providers that only send pre-approved templates (Aliyun SMS). Names are
 * the variables of the template the operator registers, e.g.
 * "${type}: ${building} ${floor} ${zone}, ${device}. Ack: ${link}".
 */
export function notificationParams(alert: Alert, ackUrl: string, site: SiteModel): Record<string, string> {
  const limit = (text: string) =>
    Array.from(text).length > TEMPLATE_PARAM_MAX ? cut(text, TEMPLATE_PARAM_MAX - 3) : text
  return {
    type: CLASS_WORDS[alert.class],
    building: limit(site.building(alert.building)?.name ?? alert.building),
    floor: alert.floor < 0 ? `B${-alert.floor}` : `${alert.floor}F`,
    zone: limit(alert.zone),
    device: limit(labelOf(alert, site)),
    // A link is never shortened: a cut link is a broken link.
    link: ackUrl,
  }
}

/** The device's label; for zone, floor and building alerts what they cover (floors, or devices). */
function labelOf(alert: Alert, site: SiteModel): string {
  if (alert.device !== null) return site.device(alert.device)?.label ?? alert.device
  if (alert.scope === 'building') {
    const floors = [...new Set(alert.evidence.map((e) => e.floor))].sort((a, b) => a - b)
    return `floors ${floors.map(floorLabel).join(',')}`
  }
  return `${new Set(alert.evidence.map((e) => e.device)).size} devices`
}
