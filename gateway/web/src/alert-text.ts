import type { Alert } from '../../../alerting/alert.ts'
import type { Catalogue } from '../../../alerting/i18n/catalogue.ts'
import { measuredText } from '../../../alerting/i18n/measured-text.ts'
import { messagesFor, ruleTitle } from '../../../alerting/i18n/messages.ts'
import type { Incident } from '../../../alerting/incidents/incident.ts'
import { currentLocale, floorName } from './i18n.ts'

// An alert's `message` and an incident's `title` are written by the gateway in the site's
// language. A wall switched to the other language rebuilds them from their fields with the
// gateway's own catalogues (alerting/i18n/), naming buildings and devices as the stream and the
// API have told it.

let siteLocale: string | null = null
const buildingNames = new Map<string, string>()
const deviceLabels = new Map<string, string>()

export function learnSiteLocale(locale: string): void {
  siteLocale = locale
}

export function learnBuildingName(id: string, name: string): void {
  buildingNames.set(id, name)
}

export function learnDeviceLabel(id: string, label: string): void {
  deviceLabels.set(id, label)
}

/** The device's label, once the wall has heard of the device; null until then. */
export function deviceLabel(id: string | null): string | null {
  return id === null ? null : (deviceLabels.get(id) ?? null)
}

function inSiteLanguage(): boolean {
  return siteLocale === null || siteLocale === currentLocale()
}

/** "Tower A 12F 12-east": where an alert is, as the gateway's messages say it. */
function placeOf(m: Catalogue, a: Alert): string {
  const building = buildingNames.get(a.building) ?? a.building
  const scope = a.scope ?? 'device'
  if (scope === 'building') return building
  if (scope === 'floor') return m.place({ building, floor: m.floor(a.floor), zone: '' }).trimEnd()
  return m.place({ building, floor: m.floor(a.floor), zone: a.zone })
}

/** The alert's message in the wall's language. */
export function alertText(a: Alert): string {
  if (inSiteLanguage()) return a.message
  const m = messagesFor(currentLocale())
  return m.alertMessage({
    title: ruleTitle(m, a.rule),
    place: placeOf(m, a),
    // Left out until the wall has heard of the device: an id would only puzzle the reader.
    label: deviceLabel(a.device),
    measured: measuredText(m, a.metric, a.value),
    detail: null,
  })
}

/**
 * The incident's title in the wall's language, built as the gateway builds it
 * (alerting/incidents/incident-title.ts): its class and place, or its floors in the order reached.
 * `lead`: its first member the wall knows; without it, the gateway's own title.
 */
export function incidentTitleText(inc: Incident, lead: Alert | undefined): string {
  if (inSiteLanguage() || !lead) return inc.title
  const locale = currentLocale()
  const m = messagesFor(locale)
  const type = m.classNames[inc.class]
  if (inc.floors.length > 1) {
    const building = buildingNames.get(inc.building) ?? inc.building
    return m.incidentTitleFloors({
      type,
      building,
      floors: m.floorPath({ floors: inc.floors.map((f) => m.floor(f)) }),
    })
  }
  const place = placeOf(m, lead)
  if ((lead.scope ?? 'device') !== 'device') return `${type}${locale === 'en' ? ': ' : '：'}${place}`
  return m.incidentTitle({ type, place, label: deviceLabel(lead.device) ?? lead.device ?? '' })
}

/** "12F · 12-east": an alert's floor and zone; a floor-wide alert has no zone to name. */
export function alertPlace(a: Pick<Alert, 'floor' | 'zone'>): string {
  return a.zone === '' ? floorName(a.floor) : `${floorName(a.floor)} · ${a.zone}`
}

/** Floors in the order the situation reached them: "12F → 13F → 11F". */
export function floorsText(floors: readonly number[]): string {
  return floors.map(floorName).join(' → ')
}

/** The incident's first member the wall knows (members are listed oldest first). */
export function leadOf(inc: Incident, alerts: ReadonlyMap<string, Alert>): Alert | undefined {
  for (const id of inc.alerts) {
    const a = alerts.get(id)
    if (a) return a
  }
  return undefined
}

/**
 * "Tower A · 12F → 13F · 12-east · Kitchen corridor": building, floors in the order reached, and
 * the zone and device of its lead member (left out when not known, or for a floor-wide alert).
 */
export function incidentWhere(inc: Incident, lead: Alert | undefined): string {
  const parts = [buildingNames.get(inc.building) ?? inc.building, floorsText(inc.floors)]
  if (lead && lead.zone !== '') parts.push(lead.zone)
  const label = lead ? deviceLabel(lead.device) : null
  if (label) parts.push(label)
  return parts.join(' · ')
}
