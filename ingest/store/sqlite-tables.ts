import type Database from 'better-sqlite3'

/**
 * The embedded readings store's tables (README "Storage"), in two tiers:
 *
 * - `readings_recent`: one row per reading, keyed by time first, so that a batch appends at the end
 *   of the b-tree instead of touching a page of every series. The key also makes a reading written
 *   twice (a replayed batch) one row.
 * - `reading_chunks`: the readings of one series over a stretch of time, packed in a blob
 *   (sqlite-chunks.ts) and found by series. The writer thread moves recent rows into chunks once
 *   enough have gathered (compaction).
 *
 * A row per reading keyed by (device, metric, ts) cost 8-18 µs of CPU per reading, most of the
 * gateway's cost above bare aedes; this layout about 3 µs (`npx tsx tests/bench/sqlite-layout.ts`).
 * A series is a (device, metric) pair with an integer id, so neither tier repeats the names.
 */
export const SCHEMA = `
CREATE TABLE IF NOT EXISTS series (
  id INTEGER PRIMARY KEY,
  device TEXT NOT NULL,
  metric TEXT NOT NULL,
  UNIQUE (device, metric)
);
CREATE TABLE IF NOT EXISTS readings_recent (
  ts INTEGER NOT NULL,
  series INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (ts, series)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS reading_chunks (
  id INTEGER PRIMARY KEY,
  series INTEGER NOT NULL,
  t0 INTEGER NOT NULL,
  t1 INTEGER NOT NULL,
  data BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS reading_chunks_series ON reading_chunks (series, t1);
`

/** Creates the tables, and moves the readings of a file written by an earlier version into them. */
export function createTables(db: Database.Database): void {
  db.exec(SCHEMA)
  const legacy = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'readings'").get()
  if (!legacy) return
  // Once, at the first start of this version; the writer thread packs them into chunks later.
  db.transaction(() => {
    db.exec(`
      INSERT OR IGNORE INTO series (device, metric) SELECT DISTINCT device, metric FROM readings;
      INSERT OR REPLACE INTO readings_recent (ts, series, value)
        SELECT r.ts, s.id, r.value FROM readings r JOIN series s ON s.device = r.device AND s.metric = r.metric;
      DROP TABLE readings;
    `)
  })()
}
