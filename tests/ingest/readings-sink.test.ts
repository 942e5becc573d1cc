import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { answerHistory } from '../../ingest/store/history-query.ts'
import { ReadingsSink } from '../../ingest/store/readings-sink.ts'
import { Spool } from '../../ingest/store/spool.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { reading, silent, storageMetrics, tempDir } from '../storage/store-fixtures.ts'
import { waitFor } from '../support/api-client.ts'

// The sink over the real embedded store and a real spool; an outage is another connection holding
// SQLite's write lock, which makes every insert fail at once with SQLITE_BUSY.

const T0 = Date.parse('2026-11-22T10:00:00.000Z')
let dir: string
let open: { sink: ReadingsSink; store: SqliteReadings; metrics: ReturnType<typeof storageMetrics> }[]

beforeEach(() => {
  dir = tempDir('readings-sink')
  open = []
})
afterEach(async () => {
  for (const { sink } of open) await sink.close()
  rmSync(dir, { recursive: true, force: true })
})

function startSink(spoolMaxBytes = 10 * 1024 * 1024) {
  const store = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 7,
    clock: { now: () => T0 },
    log: silent,
  })
  const metrics = storageMetrics()
  const spool = Spool.open({ dir: join(dir, 'spool'), maxBytes: spoolMaxBytes, fsync: 'never', log: silent })
  const deadLetter = Spool.open({
    dir: join(dir, 'rejected'),
    maxBytes: 1024 * 1024,
    fsync: 'never',
    log: silent,
  })
  const sink = new ReadingsSink({
    ...{ backend: store, spool, deadLetter, metrics: metrics.storage, log: silent },
    ...{ batchLines: 500, flushMs: 20, maxInflight: 2, queueMaxLines: 5000, retryMaxMs: 200 },
  })
  const started = { sink, store, metrics }
  open.push(started)
  return started
}

const batch = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => reading('temperature_c:l1', from + i, T0 + from + i))
const stored = async (store: SqliteReadings) =>
  (await answerHistory(store, { device: 'ta-b1-elec-01', from: T0, to: T0 + 1e9, step: 'raw' })).readings

describe('Readings sink', () => {
  it('When readings are accepted, then they are written in batches and counted', async () => {
    const { sink, store, metrics } = startSink()
    for (let i = 0; i < 2000; i += 100) sink.readingsAccepted(batch(i, 100))
    await waitFor(async () => (await metrics.value('points_written_total')) === 2000)
    expect((await stored(store)).map((r) => r.value)).toEqual(batch(0, 2000).map((r) => r.value))
    expect(await metrics.value('queue_points')).toBe(0)
    expect(await metrics.value('points_spooled_total')).toBe(0)
  })

  it('When the store is locked, then readings are spooled, and replayed once in order when it is free', async () => {
    const { sink, store, metrics } = startSink()
    const lock = new Database(join(dir, 'readings.db'))
    lock.exec('BEGIN IMMEDIATE')
    sink.readingsAccepted(batch(0, 1200))
    await waitFor(async () => (await metrics.value('up')) === 0)
    for (let i = 1200; i < 3000; i += 300) sink.readingsAccepted(batch(i, 300))
    await waitFor(async () => (await metrics.value('points_spooled_total')) === 3000)
    expect(await metrics.value('spool_bytes')).toBeGreaterThan(0)
    lock.exec('COMMIT')
    lock.close()
    await waitFor(async () => (await metrics.value('points_replayed_total')) === 3000, 10_000)
    expect(await stored(store)).toHaveLength(3000)
    expect((await stored(store)).map((r) => r.value)).toEqual(batch(0, 3000).map((r) => r.value))
    expect(await metrics.value('points_written_total')).toBe(3000)
    expect(await metrics.value('points_dropped_total')).toBe(0)
    expect(await metrics.value('up')).toBe(1)
    await waitFor(async () => (await metrics.value('spool_bytes')) === 0)
  })

  it('When the gateway closes while the store is locked, then the next start writes what was spooled', async () => {
    const first = startSink()
    const lock = new Database(join(dir, 'readings.db'))
    lock.exec('BEGIN IMMEDIATE')
    first.sink.readingsAccepted(batch(0, 700))
    await waitFor(async () => (await first.metrics.value('up')) === 0)
    first.sink.readingsAccepted(batch(700, 50))
    await first.sink.close()
    expect(await first.metrics.value('points_spooled_total')).toBe(750)
    lock.exec('COMMIT')
    lock.close()
    const second = startSink()
    await waitFor(async () => (await second.metrics.value('points_replayed_total')) === 750)
    expect(await stored(second.store)).toHaveLength(750)
  })

  it('When the spool is full, then the readings that do not fit are dropped and counted as such', async () => {
    const { sink, metrics } = startSink(20_000)
    const lock = new Database(join(dir, 'readings.db'))
    lock.exec('BEGIN IMMEDIATE')
    sink.readingsAccepted(batch(0, 1000))
    // The sink hands the store batches of 500, so the second batch may still be on its way
    // when the first drop is counted: wait until every reading is accounted for.
    const accountedFor = async () =>
      (await metrics.value('points_spooled_total')) + (await metrics.value('points_dropped_total'))
    await waitFor(async () => (await accountedFor()) === 1000)
    const spooled = await metrics.value('points_spooled_total')
    const dropped = await metrics.value('points_dropped_total')
    expect(dropped).toBeGreaterThan(0)
    expect(spooled).toBeGreaterThan(400)
    lock.exec('COMMIT')
    lock.close()
    await waitFor(async () => (await metrics.value('points_written_total')) === spooled)
  })
})
