import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { threadId } from 'node:worker_threads'
import type Database from 'better-sqlite3'
import pino from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ReadingsSink } from '../../ingest/store/readings-sink.ts'
import { Spool } from '../../ingest/store/spool.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { reading, silent, sqliteFileTotals, storageMetrics, tempDir } from '../storage/store-fixtures.ts'
import { waitFor } from '../support/api-client.ts'

// The embedded store's writes run in a thread of their own (ingest/store/sqlite-writer.ts): these
// tests show that they do, and what happens when that thread dies.

const T0 = Date.parse('2026-11-22T10:00:00.000Z')
const DEVICE = 'ta-b1-elec-01'
let dir: string
let closers: (() => Promise<void>)[]

beforeEach(() => {
  dir = tempDir('sqlite-writer')
  closers = []
})
afterEach(async () => {
  for (const close of closers.reverse()) await close()
  rmSync(dir, { recursive: true, force: true })
})

function openStore(log = silent): SqliteReadings {
  const store = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 7,
    clock: { now: () => T0 },
    log,
  })
  closers.push(() => store.close())
  return store
}

const readings = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => reading('temperature_c:l1', from + i, T0 + from + i))
const range = { device: DEVICE, from: T0, to: T0 + 1e9 }
/** Readings in the file, read by a connection of the test's own. */
function rowsInFile(): { n: number; sum: number } {
  const { count, sum } = sqliteFileTotals(join(dir, 'readings.db'))
  return { n: count, sum }
}

describe('SQLite writer thread', () => {
  it('When a large batch is being written, then the main thread goes on and sees it only once committed', async () => {
    const store = openStore()
    const batch = readings(0, 200_000)
    const writing = store.writeReadings(batch)
    // Had the insert run on this thread, inside writeReadings, all 200,000 rows would be here already.
    const seenWhilePosting = await store.counts(range)
    expect(seenWhilePosting.size).toBe(0)
    expect(await writing).toEqual({ status: 'written' })
    expect((await store.counts(range)).get('temperature_c:l1')).toBe(200_000)
    expect(store.writerThreadId).not.toBeNull()
    expect(store.writerThreadId).not.toBe(threadId)
    // The main thread's connection only reads: an insert through it is refused by SQLite itself.
    const mainConnection = store['db'] as Database.Database
    expect(() => mainConnection.exec(`INSERT INTO readings_recent VALUES (1, 1, 1)`)).toThrow(/readonly/)
  })

  it('When the writer thread dies with batches in flight, then they are spooled, it is restarted, and every reading is stored once', async () => {
    const logs: string[] = []
    const store = openStore(pino({ level: 'info' }, { write: (line: string) => void logs.push(line) }))
    const metrics = storageMetrics()
    const spool = Spool.open({
      dir: join(dir, 'spool'),
      maxBytes: 64 * 1024 * 1024,
      fsync: 'never',
      log: silent,
    })
    const deadLetter = Spool.open({
      dir: join(dir, 'rejected'),
      maxBytes: 1024 * 1024,
      fsync: 'never',
      log: silent,
    })
    const sink = new ReadingsSink({
      ...{ backend: store, spool, deadLetter, metrics: metrics.storage, log: silent },
      ...{ batchLines: 20_000, flushMs: 20, maxInflight: 2, queueMaxLines: 100_000, retryMaxMs: 200 },
    })
    closers.push(() => sink.close())
    sink.readingsAccepted(readings(0, 100))
    await waitFor(async () => (await metrics.value('points_written_total')) === 100)
    const first = store.writerThreadId
    sink.readingsAccepted(readings(100, 60_000))
    // The sink posts two batches of 20,000 on its next turn; the thread is stopped while they are unanswered.
    await new Promise((resolve) => setImmediate(resolve))
    expect(await metrics.value('queue_points')).toBe(60_000)
    await store['writer']['worker']!.terminate()
    sink.readingsAccepted(readings(60_100, 900))
    await waitFor(async () => (await metrics.value('points_written_total')) === 61_000, 20_000)
    await waitFor(async () => (await metrics.value('spool_bytes')) === 0, 10_000)
    expect(await metrics.value('points_spooled_total')).toBeGreaterThanOrEqual(40_000)
    expect(await metrics.value('points_replayed_total')).toBe(await metrics.value('points_spooled_total'))
    expect(await metrics.value('points_dropped_total')).toBe(0)
    expect(rowsInFile()).toEqual({ n: 61_000, sum: (61_000 * 60_999) / 2 })
    expect(logs.join('')).toContain('readings writer thread died')
    expect(store.writerThreadId).not.toBeNull()
    expect(store.writerThreadId).not.toBe(first)
  })

  it('When the store is closed, then what was posted before is committed and the thread is gone', async () => {
    const store = openStore()
    const writing = store.writeReadings(readings(0, 30_000))
    await store.close()
    expect(await writing).toEqual({ status: 'written' })
    expect(rowsInFile().n).toBe(30_000)
    expect(store.writerThreadId).toBeNull()
    expect(await store.writeReadings(readings(0, 1))).toMatchObject({
      status: 'failed',
      error: { code: 'FGW_ERR_STORAGE_WRITER' },
    })
  })
})
