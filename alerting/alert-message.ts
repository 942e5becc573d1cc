import { METRIC_UNITS, parseMetricName } from '../ingest/metrics-catalog.ts'
import type { SiteModel } from '../ingest/site-model.ts'
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
}

/**
 * The human text of an alert, e.g. "Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)".
 * One function on purpose: a translation replaces it whole. Plain ASCII separators because the
 * text goes out by SMS, where one non-GSM character halves the message length.
 */
export function alertMessage(site: SiteModel, a: AlertMessageInput): string {
  const title = ruleSpec(a.rule)?.title ?? a.rule
  const building = site.building(a.building)?.name ?? a.building
  const label = site.device(a.device)?.label ?? a.device
  // Basements are numbered downwards: floor -1 is B1.
  const floor = a.floor < 0 ? `B${-a.floor}` : `${a.floor}F`
  let text = `${title}: ${building} ${floor} ${a.zone}, ${label}`
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
