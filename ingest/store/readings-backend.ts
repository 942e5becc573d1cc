import type { Reading } from '../reading.ts'

/**
 * The outcome of writing one batch. `failed`: the store could not take it now (down, timed out,
 * locked); the batch is spooled and written again later. `rejected`: the store refuses these records
 * for good (a malformed line, a field type conflict, points outside its retention); writing them
 * again would fail again, so they go to the dead-letter file instead.
 */
export type WriteOutcome =
  /** `refused`: records of the batch the store could not even parse (only from a damaged spool). */
  | { status: 'written'; refused?: string[] }
  | { status: 'failed'; error: Error }
  | { status: 'rejected'; error: Error }

/** A readings store as the sink sees it: InfluxDB (influx-writer.ts) or SQLite (sqlite-readings.ts). */
export interface ReadingsBackend {
  readonly name: StoreName
  /** One record per reading, without a line break: what the spool keeps and `write` takes. */
  encode(reading: Reading): string
  /** Writes one batch; resolves with its outcome and never rejects. */
  write(records: string[]): Promise<WriteOutcome>
  /**
   * Writes one batch of fresh readings, when the store has a cheaper way than `write` of their
   * records (SQLite: columns to its writer thread); `refused` holds records all the same.
   */
  writeReadings?(readings: readonly Reading[]): Promise<WriteOutcome>
  close(): Promise<void>
}

export type StoreName = 'influxdb' | 'sqlite'

/**
 * The sink's Prometheus instruments (created in gateway/metrics.ts; structural, so that ingest/
 * does not depend on prom-client). Every reading handed to the sink ends in exactly one of
 * written, rejected or dropped, possibly after a stay in the spool (spooled, then replayed).
 */
export interface StorageMetrics {
  written: { inc(n: number): void }
  spooled: { inc(n: number): void }
  replayed: { inc(n: number): void }
  dropped: { inc(n: number): void }
  rejected: { inc(n: number): void }
  writeSeconds: { observe(seconds: number): void }
  spoolBytes: { set(bytes: number): void }
  spoolLimitBytes: { set(bytes: number): void }
  queued: { set(n: number): void }
  up: { set(n: number): void }
}
