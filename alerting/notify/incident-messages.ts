import type { SiteModel } from '../../ingest/site-model.ts'
import type { Alert } from '../alert.ts'
import { scopePlace } from '../alert-message.ts'
import type { AlertRecord } from '../alert-record.ts'
import type { Locale } from '../i18n/locale.ts'
import { messagesFor } from '../i18n/messages.ts'
import type { Incident } from '../incidents/incident.ts'
import { incidentTitle } from '../incidents/incident-title.ts'
import type { NotificationMessage } from './channel.ts'
import { TEMPLATES } from './message-builder.ts'
import { allClearParams, notificationParams, smsSegments } from './message-text.ts'

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
  site: SiteModel
  locale: Locale
}

/**
 * "UPDATE FIRE: Fire alarm: Tower A, floors 12F > 13F. Ack: <link>", built at send time from the
 * incident as it is then, so growth merged into one update is all in it. Providers that only send
 * registered templates get the alert template, with `type` saying UPDATE and `floor` every floor in
 * the order reached (no new template to register).
 */
export function updateNotification(input: IncidentMessageInput & { ackUrl: string }): NotificationMessage {
  const { incident, lead, site, locale, ackUrl } = input
  const m = messagesFor(locale)
  const type = m.classWords[incident.class]
  const title = incidentTitle(site, incident, input.first, locale)
  return {
    ...common(input),
    text: m.smsUpdate({ type, title, link: ackUrl }),
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
 * The all-clear of a resolved incident: its class and where it was (one place, or the building and
 * its floors in order), in one SMS segment where possible. No link: nothing is left to acknowledge.
 */
export function incidentAllClearNotification(input: IncidentMessageInput): NotificationMessage {
  const { incident, lead, site, locale } = input
  const m = messagesFor(locale)
  const type = m.classWords[incident.class]
  const place = incidentPlace(input)
  const label = incident.floors.length > 1 ? null : labelOf(lead, site)
  const full = m.smsAllClear({ type, place, label })
  const text =
    label !== null && smsSegments(full).segments > 1 ? m.smsAllClear({ type, place, label: null }) : full
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
  return incident.floors.map((f) => m.floor(f)).join(' > ')
}

function labelOf(alert: Alert, site: SiteModel): string | null {
  return alert.device === null ? null : (site.device(alert.device)?.label ?? alert.device)
}
