import { rmSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { answerHistory, type HistoryRequest } from '../../ingest/store/history-query.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'
import { reading, silent, tempDir } from '../storage/store-fixtures.ts'
import { waitFor } from '../support/api-client.ts'

const T0 = Date.parse('2026-11-22T10:00:00.000Z')
const DAY = 86_400_000
let dir: string
let now: number
let store: SqliteReadings

beforeEach(() => {
  dir = tempDir('sqlite-readings')
  now = T0
  store = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    retentionDays: 7,
    clock: { now: () => now },
    log: silent,
  })
})
afterEach(async () => {
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

const write = (...rs: ReturnType<typeof reading>[]) => store.write(rs.map((r) => store.encode(r)))
const history = (q: Partial<HistoryRequest>) =>
  answerHistory(store, { device: 'ta-b1-elec-01', from: T0, to: T0 + DAY, ...q })

describe('SQLite readings store', () => {
  it('When readings are written twice, then each is stored once and comes back in time order', async () => {
    const batch = [
      reading('temperature_c:l2', 43, T0 + 2),
      reading('temperature_c:l1', 41, T0 + 1),
      reading('temperature_c', 40, T0 + 3),
      reading('temperature_cx', 1, T0 + 4),
      reading('residual_current_ma', 120.5, T0 + 3),
    ]
    expect(await write(...batch)).toEqual({ status: 'written' })
    expect(await write(...batch)).toEqual({ status: 'written' })
    expect((await history({})).readings).toEqual([
      { metric: 'temperature_c:l1', value: 41, ts: T0 + 1 },
      { metric: 'temperature_c:l2', value: 43, ts: T0 + 2 },
      { metric: 'residual_current_ma', value: 120.5, ts: T0 + 3 },
      { metric: 'temperature_c', value: 40, ts: T0 + 3 },
      { metric: 'temperature_cx', value: 1, ts: T0 + 4 },
    ])
    const metrics = async (metric: string) => (await history({ metric })).readings.map((r) => r.metric)
    expect(await metrics('temperature_c')).toEqual(['temperature_c:l1', 'temperature_c:l2', 'temperature_c'])
    expect(await metrics('temperature_c:l2')).toEqual(['temperature_c:l2'])
  })

  it('When more than 1000 readings are in the range, then the mean per chosen step comes back', async () => {
    const batch = Array.from({ length: 3000 }, (_, i) => reading('temperature_c:l1', i % 10, T0 + i * 1000))
    await write(...batch)
    const auto = await history({ to: T0 + 3_000_000 })
    // 3000 s / 1000 points = 3 s, rounded up to 5 s: readings 0..4 of each 10 s cycle, mean 2.
    expect(auto).toMatchObject({ source: 'sqlite', step: 5000, truncated: false })
    expect(auto.readings).toHaveLength(600)
    expect(auto.readings.slice(0, 2)).toEqual([
      { metric: 'temperature_c:l1', value: 2, ts: T0 },
      { metric: 'temperature_c:l1', value: 7, ts: T0 + 5000 },
    ])
    expect((await history({ step: 'raw' })).readings).toHaveLength(3000)
  })

  it('When readings are older than the retention window, then pruning deletes them, and only them', async () => {
    const old = Array.from({ length: 25_000 }, (_, i) => reading('rssi_dbm', -60, T0 - 8 * DAY + i))
    await write(...old, reading('rssi_dbm', -61, T0 - 6 * DAY))
    now = T0
    expect(await store.prune()).toBe(25_000)
    const left = await answerHistory(store, { device: 'ta-b1-elec-01', from: 0, to: T0, step: 'raw' })
    expect(left.readings).toEqual([{ metric: 'rssi_dbm', value: -61, ts: T0 - 6 * DAY }])
  })

  it('When another connection holds the write lock, then a write fails at once instead of waiting', async () => {
    // The writer thread is up (its start-up is not what is timed here).
    expect(await write(reading('rssi_dbm', -61, T0 - 1))).toEqual({ status: 'written' })
    const other = new Database(join(dir, 'readings.db'))
    other.exec('BEGIN IMMEDIATE')
    // The lock goes 1 s later: a write that waited for it (SQLite's default) would then succeed.
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        other.exec('COMMIT')
        other.close()
        resolve()
      }, 1000),
    )
    const outcome = await write(reading('rssi_dbm', -60, T0))
    expect(outcome).toMatchObject({ status: 'failed', error: { code: 'SQLITE_BUSY' } })
    await released
    expect(await write(reading('rssi_dbm', -60, T0))).toEqual({ status: 'written' })
  })

  it('When records are malformed, then they are refused and the rest of the batch is written', async () => {
    const good = store.encode(reading('rssi_dbm', -60, T0))
    const outcome = await store.write([good, 'ta-b1-elec-01\trssi_dbm\tnot-a-time\t1', 'garbage'])
    expect(outcome).toEqual({
      status: 'written',
      refused: ['ta-b1-elec-01\trssi_dbm\tnot-a-time\t1', 'garbage'],
    })
    expect((await history({})).readings).toHaveLength(1)
  })

  it('When a fresh batch spans several many-row inserts, then a repeated time keeps its last value and only a bad row is refused', async () => {
    // 450 rows: two full 200-row statements and 50 rows one by one (sqlite-writer-worker.ts).
    const batch = Array.from({ length: 450 }, (_, i) => reading('rssi_dbm', i, T0 + i))
    batch[10] = reading('rssi_dbm', Number.NaN, T0 + 10)
    batch[300] = reading('rssi_dbm', -1, T0 + 5)
    batch[449] = reading('rssi_dbm', -2, T0 + 5)
    const outcome = await store.writeReadings(batch)
    expect(outcome).toEqual({ status: 'written', refused: [store.encode(batch[10]!)] })
    const stored = (await history({ metric: 'rssi_dbm' })).readings
    expect(stored).toHaveLength(450 - 3)
    expect(stored.find((r) => r.ts === T0 + 5)?.value).toBe(-2)
    expect(stored.find((r) => r.ts === T0 + 10)).toBeUndefined()
    expect(stored.at(-1)).toEqual({ metric: 'rssi_dbm', value: 448, ts: T0 + 448 })
  })
  it('When more readings arrive than the recent tier keeps, then they are packed into chunks and the history is the same, rewritten readings once', async () => {
    const metrics = ['temperature_c:l1', 'temperature_c:l2', 'residual_current_ma']
    const batch = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => reading(metrics[(from + i) % 3]!, (from + i) % 97, T0 + from + i))
    for (let from = 0; from < 150_000; from += 10_000) {
      expect(await store.writeReadings(batch(from, 10_000))).toEqual({ status: 'written' })
    }
    await waitFor(() => chunksInFile() > 0, 20_000)
    // Written again once packed (a batch replayed from the spool): still once each.
    expect(await store.writeReadings(batch(0, 10_000))).toEqual({ status: 'written' })
    const counts = await store.counts({ device: 'ta-b1-elec-01', from: T0, to: T0 + DAY })
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(metrics.map((m) => [m, 50_000])))
    const raw = await history({
      metric: 'temperature_c:l1',
      step: 'raw',
      from: T0 + 99_990,
      to: T0 + 100_010,
    })
    expect(raw.readings).toEqual(
      [99_990, 99_993, 99_996, 99_999, 100_002, 100_005, 100_008].map((i) => ({
        metric: 'temperature_c:l1',
        value: i % 97,
        ts: T0 + i,
      })),
    )
    const means = await history({ metric: 'residual_current_ma', step: 30, from: T0, to: T0 + 59 })
    expect(means.readings).toEqual([
      { metric: 'residual_current_ma', value: (2 + 5 + 8 + 11 + 14 + 17 + 20 + 23 + 26 + 29) / 10, ts: T0 },
      {
        metric: 'residual_current_ma',
        value: (32 + 35 + 38 + 41 + 44 + 47 + 50 + 53 + 56 + 59) / 10,
        ts: T0 + 30,
      },
    ])
  })

  it('When packed readings are older than the retention window, then pruning deletes them, and only them', async () => {
    const old = Array.from({ length: 120_000 }, (_, i) => reading('rssi_dbm', -60, T0 - 8 * DAY + i))
    expect(await store.writeReadings(old)).toEqual({ status: 'written' })
    expect(await store.writeReadings([reading('rssi_dbm', -61, T0 - 6 * DAY)])).toEqual({ status: 'written' })
    await waitFor(() => chunksInFile() > 0, 20_000)
    expect(await store.prune()).toBe(120_000)
    const left = await answerHistory(store, { device: 'ta-b1-elec-01', from: 0, to: T0, step: 'raw' })
    expect(left.readings).toEqual([{ metric: 'rssi_dbm', value: -61, ts: T0 - 6 * DAY }])
  })

  it('When the file was written by a version with one readings table, then its readings are moved over and answered', async () => {
    await store.close()
    const file = join(dir, 'legacy.db')
    const legacy = new Database(file)
    legacy.exec(`CREATE TABLE readings (device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL,
      value REAL NOT NULL, PRIMARY KEY (device, metric, ts)) WITHOUT ROWID;
      INSERT INTO readings VALUES ('ta-b1-elec-01', 'temperature_c:l1', ${T0 + 5}, 41.5),
        ('ta-b1-elec-01', 'residual_current_ma', ${T0 + 6}, 12), ('other', 'temperature_c:l1', ${T0 + 5}, 1);`)
    legacy.close()
    store = SqliteReadings.open({ file, retentionDays: 7, clock: { now: () => now }, log: silent })
    expect((await history({})).readings).toEqual([
      { metric: 'temperature_c:l1', value: 41.5, ts: T0 + 5 },
      { metric: 'residual_current_ma', value: 12, ts: T0 + 6 },
    ])
    const check = new Database(file, { readonly: true })
    const tables = check.prepare("SELECT name FROM sqlite_master WHERE name = 'readings'").all()
    check.close()
    expect(tables).toEqual([])
  })
})

/** Chunks in the store's file, seen by a connection of the test's own. */
function chunksInFile(): number {
  const db = new Database(join(dir, 'readings.db'), { readonly: true })
  try {
    return (db.prepare('SELECT count(*) AS n FROM reading_chunks').get() as { n: number }).n
  } finally {
    db.close()
  }
}
