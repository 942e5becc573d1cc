import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import pino from 'pino'
import { createGatewayMetrics } from '../../gateway/metrics.ts'
import type { Reading } from '../../ingest/reading.ts'
import { decodeChunk } from '../../ingest/store/sqlite-chunks.ts'

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

/**
 * Readings in an embedded store's file since `from`, read with a connection of the test's own from
 * both tiers (ingest/store/sqlite-tables.ts); a reading written twice counts once.
 */
export function sqliteFileTotals(
  file: string,
  from = Number.NEGATIVE_INFINITY,
): { count: number; sum: number } {
  const db = new Database(file, { readonly: true })
  try {
    const values = new Map<string, number>()
    for (const { series, data } of db
      .prepare('SELECT series, data FROM reading_chunks ORDER BY id')
      .all() as {
      series: number
      data: Buffer
    }[]) {
      const points = decodeChunk(data)
      for (let i = 0; i < points.length; i += 2) values.set(`${series}:${points[i]}`, points[i + 1]!)
    }
    for (const r of db.prepare('SELECT series, ts, value FROM readings_recent').all() as {
      series: number
      ts: number
      value: number
    }[]) {
      values.set(`${r.series}:${r.ts}`, r.value)
    }
    let count = 0
    let sum = 0
    for (const [key, value] of values) {
      if (Number(key.slice(key.indexOf(':') + 1)) < from) continue
      count++
      sum += value
    }
    return { count, sum }
  } finally {
    db.close()
  }
}
