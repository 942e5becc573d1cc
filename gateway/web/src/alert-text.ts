import type { Alert } from '../../../alerting/alert.ts'
import { measuredText } from '../../../alerting/i18n/measured-text.ts'
import { messagesFor, ruleTitle } from '../../../alerting/i18n/messages.ts'
import { currentLocale } from './i18n.ts'

// An alert's `message` is written by the gateway in the site's language. A wall switched to the
// other language rebuilds it from the alert's fields with the gateway's own catalogues
// (alerting/i18n/), naming buildings and devices as the stream and the API have told it.

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

/** The alert's message in the wall's language. */
export function alertText(a: Alert): string {
  const locale = currentLocale()
  if (siteLocale === null || siteLocale === locale) return a.message
  const m = messagesFor(locale)
  const building = buildingNames.get(a.building) ?? a.building
  const scope = a.scope ?? 'device'
  const place =
    scope === 'building'
      ? building
      : scope === 'floor'
        ? m.place({ building, floor: m.floor(a.floor), zone: '' }).trimEnd()
        : m.place({ building, floor: m.floor(a.floor), zone: a.zone })
  return m.alertMessage({
    title: ruleTitle(m, a.rule),
    place,
    // Left out until the wall has heard of the device: an id would only puzzle the reader.
    label: a.device === null ? null : (deviceLabels.get(a.device) ?? null),
    measured: measuredText(m, a.metric, a.value),
    detail: null,
  })
}
