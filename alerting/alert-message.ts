import { METRIC_UNITS, parseMetricName } from '../ingest/metrics-catalog.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { AlertScope } from './alert.ts'
import { derivedRuleTitle } from './fire/fire-rule-ids.ts'
import { ruleSpec } from './rule-catalog.ts'

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
 * The human text of an alert, e.g. "Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)".
 * One function on purpose: a translation replaces it whole. Plain ASCII separators because the
 * text goes out by SMS, where one non-GSM character halves the message length.
 */
export function alertMessage(site: SiteModel, a: AlertMessageInput): string {
  const title = ruleSpec(a.rule)?.title ?? derivedRuleTitle(a.rule) ?? a.rule
  const building = site.building(a.building)?.name ?? a.building
  const floor = floorLabel(a.floor)
  const scope = a.scope ?? 'device'
  let text = `${title}: ${building}`
  if (scope === 'device') text += ` ${floor} ${a.zone}, ${site.device(a.device)?.label ?? a.device}`
  else if (scope === 'zone') text += ` ${floor} ${a.zone}`
  else if (scope === 'floor') text += ` ${floor}`
  if (a.value !== null) {
    const metric = a.metric === null ? null : parseMetricName(a.metric)
    const unit = metric ? ` ${METRIC_UNITS[metric.family]}` : ''
    const channel = metric?.channel ? ` on ${metric.channel}` : ''
    // Three decimals at most, so that 0.1 + 0.2 reads 0.3 and not 0.30000000000000004.
    text += ` (${Number(a.value.toFixed(3))}${unit}${channel})`
  }
  if (a.detail) text += ` - ${a.detail}`
  return text
}

/** Basements are numbered downwards: floor -1 is B1. */
export function floorLabel(floor: number): string {
  return floor < 0 ? `B${-floor}` : `${floor}F`
}
