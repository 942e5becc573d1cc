import type { SiteModel } from '../ingest/index.ts'
import type { Alert, AlertScope } from './alert.ts'
import type { Locale } from './i18n/locale.ts'
import { measuredText } from './i18n/measured-text.ts'
import { messagesFor, ruleTitle } from './i18n/messages.ts'
import { localisedNote } from './i18n/system-notes.ts'

/** What the message of one alert is made of. */
export interface AlertMessageInput {
  rule: string
  building: string
  floor: number
  zone: string
  device: string
  metric: string | null
  value: number | null
  detail: string | null
  /** Absent = `device`. Zone, floor and building alerts name no device. */
  scope?: AlertScope
}

/**
 * The human text of an alert in the site's language (or `locale`): for an `en` site
 * "Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)" (docs/protocol.md, "The Alert"),
 * for a `zh-CN` site "感烟火警：Tower A 12层 12-east，Kitchen corridor（0.31 dB/m）". The words come
 * from the catalogues in alerting/i18n/.
 */
export function alertMessage(site: SiteModel, a: AlertMessageInput, locale: Locale = site.locale): string {
  const m = messagesFor(locale)
  return m.alertMessage({
    title: ruleTitle(m, a.rule),
    place: scopePlace(site, a, locale),
    // Zone, floor and building alerts name no device: their evidence lists the devices.
    label: (a.scope ?? 'device') === 'device' ? site.labelOf(a.device) : null,
    measured: measuredText(m, a.metric, a.value),
    // The gateway's own details are written in English: in the message's language here. A device's
    // own detail text is quoted as the device sent it.
    detail: a.detail === null ? null : localisedNote(a.detail, locale),
  })
}

/** Where an alert is, as wide as its scope: building, floor and zone; building and floor; building. */
export function scopePlace(
  site: SiteModel,
  a: { building: string; floor: number; zone: string; scope?: AlertScope },
  locale: Locale,
): string {
  const m = messagesFor(locale)
  const building = site.building(a.building)?.name ?? a.building
  const scope = a.scope ?? 'device'
  if (scope === 'building') return building
  if (scope === 'floor') return m.place({ building, floor: m.floor(a.floor), zone: '' }).trimEnd()
  return m.place({ building, floor: m.floor(a.floor), zone: a.zone })
}

/**
 * An alert's message for a reader of `locale`: the stored one in the site's language (it keeps the
 * device's detail text), otherwise rebuilt from the alert's fields.
 */
export function alertMessageIn(site: SiteModel, alert: Alert, locale: Locale): string {
  if (locale === site.locale) return alert.message
  return alertMessage(site, { ...alert, device: alert.device ?? '', detail: null }, locale)
}

/** Basements are numbered downwards: floor -1 is B1. */
export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : `${floor}F`
}
