import type Database from 'better-sqlite3'
import { encodeChunk, type Points } from './sqlite-chunks.ts'

// The writer thread's upkeep of the two tiers of sqlite-tables.ts. Both run as steps, each in a
// transaction of its own, so that batches of readings are written between them.

/**
 * Moves the oldest `rows` recent rows (time order) into one chunk per series; returns how many
 * rows it moved.
 */
export function compactionStep(db: Database.Database, rows: number): () => number {
  const oldest = db
    .prepare('SELECT ts, series, value FROM readings_recent ORDER BY ts, series LIMIT ?')
    .raw(true)
  const insertChunk = db.prepare('INSERT INTO reading_chunks (series, t0, t1, data) VALUES (?, ?, ?, ?)')
  const removeUpTo = db.prepare('DELETE FROM readings_recent WHERE (ts, series) <= (?, ?)')
  return () => {
    const taken = oldest.all(rows) as [number, number, number][]
    const last = taken.at(-1)
    if (!last) return 0
    const bySeries = new Map<number, Points>()
    for (const [ts, series, value] of taken) {
      const points = bySeries.get(series)
      if (points) points.push(ts, value)
      else bySeries.set(series, [ts, value])
    }
    for (const [series, points] of bySeries) {
      insertChunk.run(series, points[0]!, points[points.length - 2]!, encodeChunk(points))
    }
    return removeUpTo.run(last[0], last[1]).changes
  }
}

export interface PruneState {
  cutoff: number
  /** The last series id done. */
  after: number
  deleted: number
}

/** Chunks visited per prune step: a step is a short transaction, the prune a series of them. */
const PRUNE_SERIES = 500

/**
 * One step of deleting what is older than the cutoff: the recent rows (keyed by time: one range),
 * then series by series (the index on series, t1 finds each one's old chunks), counting readings.
 * A chunk that straddles the cutoff is kept whole until all of it is old. True when done.
 */
export function pruneStep(db: Database.Database): (prune: PruneState) => boolean {
  const removeRecent = db.prepare('DELETE FROM readings_recent WHERE ts < ?')
  const nextSeries = db.prepare('SELECT id FROM series WHERE id > ? ORDER BY id LIMIT ?').pluck()
  const oldChunks = db.prepare(
    'SELECT count(*) AS chunks, coalesce(sum(length(data)), 0) AS bytes FROM reading_chunks WHERE series = ? AND t1 < ?',
  )
  const removeChunks = db.prepare('DELETE FROM reading_chunks WHERE series = ? AND t1 < ?')
  return (prune) => {
    if (prune.after === 0) prune.deleted += removeRecent.run(prune.cutoff).changes
    const ids = nextSeries.all(prune.after, PRUNE_SERIES) as number[]
    for (const id of ids) {
      const { bytes } = oldChunks.get(id, prune.cutoff) as { chunks: number; bytes: number }
      if (bytes > 0) removeChunks.run(id, prune.cutoff)
      // 16 bytes per reading (sqlite-chunks.ts).
      prune.deleted += bytes / 16
      prune.after = id
    }
    return ids.length < PRUNE_SERIES
  }
}
