import type { MetricFamily } from '../metrics-catalog.ts'

/**
 * The metric family of each analogue quantity of GB/T 26875.3 (§8.2.1.3, ingest/gbt26875/catalogue.ts),
 * and the factor from the standard's unit to the family's: a panel's pipe pressure is a
 * `pressure_mpa` reading like a sensor's, a tank height a `level_m` one.
 */
const BY_QUANTITY: Readonly<Record<number, { family: MetricFamily; factor: number }>> = {
  1: { family: 'event_count', factor: 1 },
  2: { family: 'level_m', factor: 1 },
  3: { family: 'temperature_c', factor: 1 },
  4: { family: 'pressure_mpa', factor: 1 },
  5: { family: 'pressure_mpa', factor: 0.001 },
  6: { family: 'gas_lel_pct', factor: 1 },
  7: { family: 'time_s', factor: 1 },
  8: { family: 'voltage_v', factor: 1 },
  9: { family: 'current_a', factor: 1 },
  10: { family: 'flow_lps', factor: 1 },
  11: { family: 'air_volume_m3min', factor: 1 },
  12: { family: 'wind_speed_mps', factor: 1 },
}

/** The metric of a scaled analogue value; null for a quantity type the standard does not list. */
export function analogueMetric(
  quantity: number,
  value: number,
): { family: MetricFamily; value: number } | null {
  const m = BY_QUANTITY[quantity]
  if (!m) return null
  // Rounded so that 600 kPa x 0.001 reads 0.6, not 0.6000000000000001.
  return { family: m.family, value: m.factor === 1 ? value : Number((value * m.factor).toFixed(6)) }
}
