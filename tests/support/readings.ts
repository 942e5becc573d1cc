import { parseMetricName } from '../../ingest/metrics-catalog.ts'
import { deviceReading, type Reading } from '../../ingest/reading.ts'
import type { Device } from '../../ingest/site/site-schema.ts'

/** A reading of one of the site's devices, located as the decoder locates it. */
export function readingOf(
  device: Device,
  metric: string,
  value: number,
  ts: number,
  receivedAt = ts,
): Reading {
  const name = parseMetricName(metric)
  if (!name) throw new Error(`not a metric of the catalogue: ${metric}`)
  return deviceReading(device, metric, name, value, ts, receivedAt, null)
}
