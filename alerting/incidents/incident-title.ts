import type { SiteModel } from '../../ingest/index.ts'
import { scopePlace } from '../alert-message.ts'
import type { AlertRecord } from '../alert-record.ts'
import type { Locale } from '../i18n/locale.ts'
import { messagesFor } from '../i18n/messages.ts'
import type { IncidentRecord } from './incident-record.ts'

/**
 * "Fire: Tower A 12F 12-east, Kitchen corridor" while an incident is on one floor; "Fire: Tower A,
 * floors 12F > 13F" / "火警：A座，已涉及12层→13层" once it spans several, in the order reached.
 * `first` is its oldest member.
 */
export function incidentTitle(
  site: SiteModel,
  incident: Pick<IncidentRecord, 'class' | 'building' | 'floors'>,
  first: Pick<AlertRecord, 'building' | 'floor' | 'zone' | 'scope' | 'device'>,
  locale: Locale = site.locale,
): string {
  const m = messagesFor(locale)
  const type = m.classNames[incident.class]
  if (incident.floors.length > 1) {
    const building = site.building(incident.building)?.name ?? incident.building
    return m.incidentTitleFloors({
      type,
      building,
      floors: m.floorPath({ floors: incident.floors.map((f) => m.floor(f)) }),
    })
  }
  const place = scopePlace(site, first, locale)
  if (first.scope !== 'device') return `${type}${locale === 'en' ? ': ' : '：'}${place}`
  return m.incidentTitle({ type, place, label: site.device(first.device)?.label ?? first.device })
}
