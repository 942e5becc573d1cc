import type { SiteModel } from '../../ingest/index.ts'
import type { Alert } from '../alert.ts'
import { scopePlace } from '../alert-message.ts'
import type { AlertRecord } from '../alert-record.ts'
import type { Locale } from '../i18n/locale.ts'
import { messagesFor, ruleTitle } from '../i18n/messages.ts'
import { formatClockTime } from '../i18n/time-format.ts'
import type { Incident } from '../incidents/incident.ts'
import { MATERIAL_RULES } from '../incidents/incident-grouping.ts'
import type { NotificationMessage } from './channel.ts'
import { TEMPLATES } from './message-builder.ts'
import { allClearParams, FIRE_MAX_SEGMENTS, notificationParams, oneSegment } from './message-text.ts'
import { smsSegments } from './sms-segments.ts'

// The messages of an incident beyond its first page (which is the lead alert's own, built by
// message-builder.ts): the update when it grew, and the all-clear when it is over. Their words
// come from the catalogues in alerting/i18n/.

export interface IncidentMessageInput {
  key: string
  incident: Incident
  /** The alert the pages carry. */
  lead: Alert
  /** The incident's oldest member: the title names its place while the incident is on one floor. */
  first: Pick<AlertRecord, 'building' | 'floor' | 'zone' | 'scope' | 'device'>
  /** Its members, oldest first: an update says what the newest material one is. */
  members?: readonly Pick<AlertRecord, 'rule'>[]
  site: SiteModel
  locale: Locale
}

/**
 * "UPDATE FIRE 14:07: Fire spreading between floors, Tower A, floors 12F > 13F. Ack: <link>" /
 * "火警更新 14:07：火势跨楼层蔓延，A座，已涉及12层→13层。确认：<link>", built at send time from the
 * incident as it is then, so growth merged into one update is all in it. A fire's update may take
 * two segments, like its page; others one where possible (the news, then the label, give way).
 * Providers that only send registered templates get the alert template, with `type` saying UPDATE
 * and `floor` every floor in the order reached (no new template to register).
 */
export function updateNotification(input: IncidentMessageInput & { ackUrl: string }): NotificationMessage {
  const { incident, lead, site, locale, ackUrl } = input
  const m = messagesFor(locale)
  const type = m.classWords[incident.class]
  const base = {
    type,
    time: formatClockTime(incident.updatedAt, site.timezone),
    place: placeNow(input),
    link: ackUrl,
  }
  const label = incident.floors.length > 1 ? null : labelOf(lead, site)
  const news = newsOf(input)
  const room = incident.class === 'fire' ? FIRE_MAX_SEGMENTS : 1
  const candidates = [
    m.smsUpdate({ ...base, news, label }),
    m.smsUpdate({ ...base, news: null, label }),
    m.smsUpdate({ ...base, news: null, label: null }),
  ]
  return {
    ...common(input),
    text: candidates.find((t) => smsSegments(t).segments <= room) ?? candidates.at(-1)!,
    template: TEMPLATES.alert,
    params: {
      ...notificationParams(lead, ackUrl, site, locale),
      type: m.updateType({ type }),
      floor: floorsOf(incident, locale),
    },
    ackUrl,
    urgent: incident.class === 'fire',
  }
}

/**
 * The all-clear of a resolved incident: its class, where it was (one place, or the building and
 * its floors in order) and when it ended, in one SMS segment where possible. No link: nothing is
 * left to acknowledge.
 */
export function incidentAllClearNotification(input: IncidentMessageInput): NotificationMessage {
  const { incident, lead, site, locale } = input
  const m = messagesFor(locale)
  const type = m.classWords[incident.class]
  const place = incidentPlace(input)
  const label = incident.floors.length > 1 ? null : labelOf(lead, site)
  const time = formatClockTime(incident.resolvedAt ?? incident.updatedAt, site.timezone)
  const text = oneSegment([
    m.smsAllClear({ type, place, label, time }),
    m.smsAllClear({ type, place, label: null, time }),
    m.smsAllClear({ type, place, label: null, time: null }),
  ])
  return {
    ...common(input),
    text,
    template: TEMPLATES.allClear,
    params: {
      ...allClearParams(lead, site, locale),
      type: m.allClearType({ type }),
      floor: floorsOf(incident, locale),
    },
    ackUrl: '',
    urgent: false,
  }
}

function common(input: IncidentMessageInput) {
  const { incident, lead, site, locale } = input
  const m = messagesFor(locale)
  const building = site.building(incident.building)?.name ?? incident.building
  return {
    idempotencyKey: input.key,
    alertId: lead.id,
    locale,
    title: m.pushTitle({ type: m.classWords[incident.class], building }),
    alert: { ...lead },
    incident: { ...incident },
  }
}

/** What the incident is now: its newest confirmation or spread, else its lead alert's rule. */
function newsOf(input: IncidentMessageInput): string {
  const m = messagesFor(input.locale)
  const material = [...(input.members ?? [])].reverse().find((a) => MATERIAL_RULES.has(a.rule))
  return ruleTitle(m, material?.rule ?? input.lead.rule)
}

/** In an update: "Tower A 12F 12-east" on one floor, "Tower A, floors 12F > 13F" on several. */
function placeNow(input: IncidentMessageInput): string {
  const { incident, lead, site, locale } = input
  if (incident.floors.length <= 1) return scopePlace(site, lead, locale)
  const m = messagesFor(locale)
  const building = site.building(incident.building)?.name ?? incident.building
  return m.updatePlace({ building, floors: floorsOf(incident, locale) })
}

/** "Tower A 12F 12-east" on one floor (the lead alert's place), "Tower A 12F > 13F" on several. */
function incidentPlace(input: IncidentMessageInput): string {
  const { incident, lead, site, locale } = input
  if (incident.floors.length <= 1) return scopePlace(site, lead, locale)
  const m = messagesFor(locale)
  const building = site.building(incident.building)?.name ?? incident.building
  return m.incidentPlace({ building, floors: floorsOf(incident, locale) })
}

function floorsOf(incident: Incident, locale: Locale): string {
  const m = messagesFor(locale)
  return m.floorPath({ floors: incident.floors.map((f) => m.floor(f)) })
}

function labelOf(alert: Alert, site: SiteModel): string | null {
  return alert.device === null ? null : (site.device(alert.device)?.label ?? alert.device)
}
