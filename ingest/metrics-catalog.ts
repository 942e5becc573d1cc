// Metric names carry their unit (docs/protocol.md, "Telemetry"); an optional ":channel" suffix names one of
// several sensors of a device, e.g. temperature_c:l1.
export const METRIC_FAMILIES = [
  'smoke_dbm',
  'temperature_c',
  'pressure_mpa',
  'level_m',
  'residual_current_ma',
  'battery_pct',
  'rssi_dbm',
  // Analogue values of fire panel parts (GB/T 26875.3 type 3) that no sensor family above holds.
  'event_count',
  'time_s',
  'gas_lel_pct',
  'voltage_v',
  'current_a',
  'flow_lps',
  'air_volume_m3min',
  'wind_speed_mps',
] as const

export type MetricFamily = (typeof METRIC_FAMILIES)[number]

const familySet: ReadonlySet<string> = new Set(METRIC_FAMILIES)
const CHANNEL = /^[a-z0-9_-]{1,16}$/

export interface MetricName {
  family: MetricFamily
  channel: string | null
}

const cache = new Map<string, MetricName | null>()

/** Parses `family[:channel]`; null when the family is unknown or the channel malformed. */
export function parseMetricName(name: string): MetricName | null {
  const hit = cache.get(name)
  if (hit !== undefined) return hit
  const colon = name.indexOf(':')
  const family = colon < 0 ? name : name.slice(0, colon)
  const channel = colon < 0 ? null : name.slice(colon + 1)
  let parsed: MetricName | null = null
  if (familySet.has(family) && (channel === null || CHANNEL.test(channel))) {
    parsed = { family: family as MetricFamily, channel }
  }
  // Bounded so that a device sending random metric names cannot grow the cache forever.
  if (cache.size < 4096) cache.set(name, parsed)
  return parsed
}

export const METRIC_UNITS: Record<MetricFamily, string> = {
  smoke_dbm: 'dB/m',
  temperature_c: '°C',
  pressure_mpa: 'MPa',
  level_m: 'm',
  residual_current_ma: 'mA',
  battery_pct: '%',
  rssi_dbm: 'dBm',
  event_count: '',
  time_s: 's',
  gas_lel_pct: '%LEL',
  voltage_v: 'V',
  current_a: 'A',
  flow_lps: 'L/s',
  air_volume_m3min: 'm³/min',
  wind_speed_mps: 'm/s',
}
