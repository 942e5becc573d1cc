// The wall's browser bundle loads this file: the entry (ingest/index.ts) would bring it ingest's Node
// modules, so the pure metric catalogue is imported directly.
// biome-ignore lint/style/noRestrictedImports: shared with the wall's browser bundle
import { METRIC_UNITS, parseMetricName } from '../../ingest/metrics-catalog.ts'
import type { Catalogue } from './catalogue.ts'

/**
 * "0.31 dB/m", "72.5 °C on l1" / "l1 72.5 °C"; null without a value. `gsm` drops the degree sign,
 * which is not GSM-7 and would halve an English SMS.
 */
export function measuredText(
  m: Catalogue,
  metric: string | null,
  value: number | null,
  options: { gsm?: boolean; channel?: boolean } = {},
): string | null {
  if (value === null) return null
  const parsed = metric === null ? null : parseMetricName(metric)
  let unit = parsed ? METRIC_UNITS[parsed.family] : ''
  if (options.gsm) unit = unit.replace('°', '')
  // Three decimals at most, so that 0.1 + 0.2 reads 0.3 and not 0.30000000000000004.
  const shown = String(Number(value.toFixed(3)))
  const channel = options.channel === false ? null : (parsed?.channel ?? null)
  return m.measured({ value: shown, unit, channel }).trim()
}
