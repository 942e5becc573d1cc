import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { createGatewayMetrics } from '../../gateway/metrics.ts'
import type { Reading } from '../../ingest/reading.ts'

export const silent = pino({ level: 'silent' })

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `firewatch-${prefix}-`))
}

/** A reading of a device of tests/fixtures/test-site.yaml (or any id: the stores take what they get). */
export function reading(
  metric: string,
  value: number,
  ts: number,
  where: Partial<Pick<Reading, 'device' | 'building' | 'floor' | 'zone' | 'kind'>> = {},
): Reading {
  const colon = metric.indexOf(':')
  return {
    device: 'ta-b1-elec-01',
    building: 'tower-a',
    floor: -1,
    zone: 'switch-room',
    kind: 'electrical_monitor',
    ...where,
    metric,
    family: (colon < 0 ? metric : metric.slice(0, colon)) as Reading['family'],
    channel: colon < 0 ? null : metric.slice(colon + 1),
    value,
    ts,
    receivedAt: ts,
    seq: null,
  }
}

/** The gateway's real storage instruments, and the value of a counter or gauge by short name. */
export function storageMetrics() {
  const metrics = createGatewayMetrics()
  const value = async (name: string): Promise<number> => {
    const metric = metrics.registry.getSingleMetric(`firewatch_storage_${name}`)
    const data = await metric?.get()
    return data?.values[0]?.value ?? 0
  }
  return { storage: metrics.storage, value }
}
