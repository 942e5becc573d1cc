// The wall's browser bundle loads this file: the entry (ingest/index.ts) would bring it ingest's Node
// modules, so the pure metric catalogue is imported directly.
// biome-ignore lint/style/noRestrictedImports: shared with the wall's browser bundle
import { METRIC_UNITS, type MetricName, parseMetricName } from '../../ingest/metrics-catalog.ts'
import type { Catalogue } from './catalogue.ts'

// Metrics as people read them: never the id (`temperature_c:l1`), always what it measures
// ("cable temperature L1" / "线缆温度（L1）"). Pure TypeScript: the wall imports it too.

/**
 * "0.31 dB/m" / "烟雾浓度 0.31 dB/m", "cable temperature L1 72.5 °C" / "线缆温度（L1）72.5 °C"; null
 * without a value. `named: false` leaves the quantity out (an SMS, where room is short and the rule
 * already says it); `gsm` drops the degree sign, which is not GSM-7 and would halve an English SMS.
 */
export function measuredText(
  m: Catalogue,
  metric: string | null,
  value: number | null,
  options: { gsm?: boolean; named?: boolean } = {},
): string | null {
  if (value === null) return null
  const parsed = metric === null ? null : parseMetricName(metric)
  let unit = parsed ? METRIC_UNITS[parsed.family] : ''
  if (options.gsm) unit = unit.replace('°', '')
  // Three decimals at most, so that 0.1 + 0.2 reads 0.3 and not 0.30000000000000004.
  const shown = String(Number(value.toFixed(3)))
  const named = options.named !== false && parsed !== null
  const quantity = named ? quantityOf(m, parsed) : null
  const channel = named ? channelText(m, parsed.channel) : null
  return m.measured({ value: shown, unit, quantity, channel }).trim()
}

/** A metric's name: "smoke obscuration", "cable temperature L1" / "烟雾浓度", "线缆温度（L1）". */
export function metricLabel(m: Catalogue, metric: string): string {
  const parsed = parseMetricName(metric)
  // A name outside the catalogue is refused at ingest; should one be stored, its id is all there is.
  if (!parsed) return metric
  return m.metricLabel({ quantity: quantityOf(m, parsed), channel: channelText(m, parsed.channel) })
}

function quantityOf(m: Catalogue, metric: MetricName): string {
  return (metric.channel === null ? m.metricNames : m.channelMetricNames)[metric.family]
}

/** A channel as written on the equipment: phases upper-case (L1, N), named ones by name. */
function channelText(m: Catalogue, channel: string | null): string | null {
  if (channel === null) return null
  const named = (m.channelNames as Readonly<Record<string, string | undefined>>)[channel]
  if (named !== undefined) return named
  return /^[a-z]{0,2}\d{0,2}$/.test(channel) ? channel.toUpperCase() : channel
}
