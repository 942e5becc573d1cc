/**
 * Insert cost of candidate layouts of the embedded readings table, outside the gateway: the
 * storage benchmark's traffic (400 devices × 3 metrics, readings 50 ms apart per device) inserted
 * in batches into a table that already holds `SQLITE_LAYOUT_PREFILL` rows, one transaction per
 * batch, as the writer thread does. Plain tsx, not part of `npm test`:
 *
 *   npx tsx tests/bench/sqlite-layout.ts            # every layout
 *   SQLITE_LAYOUT=two-tier SQLITE_LAYOUT_BATCH=20000 SQLITE_LAYOUT_CHECKPOINT=10000 npx tsx tests/bench/sqlite-layout.ts
 *
 * Prints per layout: CPU and wall µs per row (this thread: SQLite runs in it), and the file size.
 * `two-tier` is today's layout (ingest/store/sqlite-tables.ts): integer series ids, a time-first
 * table of recent rows, packed into per-series chunks every 100,000 rows by the writer's own code.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import Database from 'better-sqlite3'
import { compactionStep } from '../../ingest/store/sqlite-compaction.ts'
import { SCHEMA } from '../../ingest/store/sqlite-tables.ts'

const COLUMNS = 'device TEXT NOT NULL, metric TEXT NOT NULL, ts INTEGER NOT NULL, value REAL NOT NULL'
const LAYOUTS: Record<string, string> = {
  /** ingest/store/sqlite-readings.ts until the two tiers (see twoTier below). */
  'text-series-first': `CREATE TABLE readings (${COLUMNS}, PRIMARY KEY (device, metric, ts)) WITHOUT ROWID`,
  /** Before: the same plus an index on ts for the prune. */
  'with-ts-index': `CREATE TABLE readings (${COLUMNS}, PRIMARY KEY (device, metric, ts)) WITHOUT ROWID;
    CREATE INDEX readings_ts ON readings (ts)`,
  /** A rowid table with one (unique) index. */
  'rowid-unique': `CREATE TABLE readings (${COLUMNS}); CREATE UNIQUE INDEX readings_key ON readings (device, metric, ts)`,
  /** Time first: appends, but a device's history is then a scan of every device's readings in the range. */
  'time-first': `CREATE TABLE readings (${COLUMNS}, PRIMARY KEY (ts, device, metric)) WITHOUT ROWID`,
}
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const PREFILL = num('SQLITE_LAYOUT_PREFILL', 400_000)
const BATCH = num('SQLITE_LAYOUT_BATCH', 5000)
const MEASURED = num('SQLITE_LAYOUT_ROWS', 300_000)
/** SQLite's default is 1000 pages (4 MB of WAL). */
const CHECKPOINT_PAGES = num('SQLITE_LAYOUT_CHECKPOINT', 1000)
const DEVICES = Array.from({ length: 400 }, (_, d) => `bench-a-smoke-${String(d).padStart(4, '0')}`)
const METRICS = ['smoke_dbm', 'battery_pct', 'temperature_c']

const COMPACT_ROWS = 100_000
const tsOf = (n: number) => 1.7e12 + Math.floor(n / DEVICES.length) * 50 + (n % DEVICES.length)

/** A batch writer for a layout: `batch(rows)` writes the next `rows` readings. */
function writerFor(db: Database.Database, layout: string): (rows: number) => void {
  let n = 0
  if (layout === 'two-tier') {
    db.exec(SCHEMA)
    const addSeries = db.prepare('INSERT INTO series (device, metric) VALUES (?, ?)')
    for (const device of DEVICES) for (const metric of METRICS) addSeries.run(device, metric)
    const insert = db.prepare('INSERT OR REPLACE INTO readings_recent (ts, series, value) VALUES (?, ?, ?)')
    const compact = db.transaction(compactionStep(db, COMPACT_ROWS))
    let recent = 0
    const batch = db.transaction((rows: number) => {
      for (let end = n + rows; n < end; n++) insert.run(tsOf(n), 1 + (n % (DEVICES.length * 3)), n % 100)
    })
    return (rows) => {
      batch(rows)
      recent += rows
      if (recent >= COMPACT_ROWS) recent -= compact()
    }
  }
  db.exec(LAYOUTS[layout]!)
  const insert = db.prepare('INSERT OR REPLACE INTO readings (device, metric, ts, value) VALUES (?, ?, ?, ?)')
  return db.transaction((rows: number) => {
    for (let end = n + rows; n < end; n++)
      insert.run(DEVICES[n % DEVICES.length]!, METRICS[n % 3]!, tsOf(n), n % 100)
  })
}

function measure(layout: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-sqlite-layout-'))
  const db = new Database(join(dir, 'readings.db'))
  try {
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('cache_size = -32768')
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`)
    const batch = writerFor(db, layout)
    let n = 0
    for (; n < PREFILL; n += BATCH) batch(BATCH)
    const cpu = process.cpuUsage()
    const started = performance.now()
    for (; n < PREFILL + MEASURED; n += BATCH) batch(BATCH)
    const wallUs = ((performance.now() - started) * 1000) / MEASURED
    const { user, system } = process.cpuUsage(cpu)
    const bytes = db.prepare(
      'SELECT page_count * page_size AS b FROM pragma_page_count(), pragma_page_size()',
    )
    const mb = ((bytes.get() as { b: number }).b / 1e6).toFixed(0)
    return `${layout}: ${((user + system) / MEASURED).toFixed(1)} µs CPU, ${wallUs.toFixed(1)} µs wall per row; ${mb} MB`
  } finally {
    db.close()
    rmSync(dir, { recursive: true, force: true })
  }
}

console.log(
  `prefill ${PREFILL} rows, then ${MEASURED} rows in batches of ${BATCH}; checkpoint every ${CHECKPOINT_PAGES} pages`,
)
for (const layout of process.env.SQLITE_LAYOUT
  ? [process.env.SQLITE_LAYOUT]
  : ['two-tier', ...Object.keys(LAYOUTS)]) {
  console.log(measure(layout))
}
