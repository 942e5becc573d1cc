import { metricLabel } from '../../../alerting/i18n/measured-text.ts'
import { messagesFor } from '../../../alerting/i18n/messages.ts'
import { METRIC_UNITS, parseMetricName } from '../../../ingest/metrics-catalog.ts'
import type { DeviceView } from '../../live/live-state.ts'
import { currentLocale, statusWord, t } from './i18n.ts'
/** Housekeeping metrics: shown on hover and in the detail, not as the cell's headline value. */
export const SECONDARY = /^(battery_pct|rssi_dbm)/

/** The unit of a metric as people write it (the gateway's own table: metric names carry it). */
export function unitOf(metric: string): string {
  const name = parseMetricName(metric)
  return name ? METRIC_UNITS[name.family] : ''
}

/** What a metric measures, never its id: "cable temperature L1" / "线缆温度（L1）" (the gateway's catalogues). */
export function metricName(metric: string): string {
  return metricLabel(messagesFor(currentLocale()), metric)
}

export function formatValue(metric: string, value: number): string {
  // Means over a step have long fractions; three significant digits are what a sensor resolves.
  const shown = Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(3)))
  return `${shown} ${unitOf(metric)}`
}

/** The status word when not normal, then the main measured value: "FIRE · 0.31 dB/m". */
export function cellText(d: DeviceView): string {
  const entries = Object.entries(d.latest)
  const main = entries.find(([m]) => !SECONDARY.test(m)) ?? entries[0]
  const value = main ? formatValue(main[0], main[1].value) : ''
  const word = d.status === 'green' ? '' : statusWord(d.status)
  return [word, value].filter((s) => s !== '').join(' · ') || t('cell.noReading')
}
