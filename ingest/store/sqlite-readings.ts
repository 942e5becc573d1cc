import Database from 'better-sqlite3'
import type { Logger } from 'pino'
import type { Clock } from '../deps.ts'
import { preparePrivateDatabase } from '../private-files.ts'
import type { Reading } from '../reading.ts'
import { type HistoryPoint, type HistoryRequest, type HistoryStore, metricFilter } from './history-query.ts'
import type { ReadingsBackend, WriteOutcome } from './readings-backend.ts'
import { mergeSeries, type Points } from './sqlite-chunks.ts'
import { encodeRecord, packRows, type WriterReply } from './sqlite-rows.ts'
import { createTables } from './sqlite-tables.ts'
import { SqliteWriter } from './sqlite-writer.ts'

export interface SqliteReadingsOptions {
  file: string
  /** Readings older than this many days are deleted, a minute after start-up, then hourly. */
  retentionDays: number
  clock: Clock
  log: Logger
}

const DAY_MS = 86_400_000
const PRUNE_EVERY_MS = 3_600_000
const FIRST_PRUNE_MS = 60_000

/**
 * The embedded readings store (README "Storage"): a SQLite table in DATA_DIR with a retention
 * window. Writes (batches and the prune) go to a writer thread with a connection of its own
 * (sqlite-writer.ts), so that no insert runs on the event loop; this thread keeps a connection that
 * only reads, for history queries (WAL: readers see every committed batch and never wait for the writer).
 */
export class SqliteReadings implements ReadingsBackend, HistoryStore {
  readonly name = 'sqlite' as const
  private readonly reader: SeriesReader
  private pruneTimer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter,
    private readonly opts: SqliteReadingsOptions,
  ) {
    this.reader = new SeriesReader(db)
    // Not at once: start-up has enough to do; a minute later, then hourly.
    this.schedulePrune(FIRST_PRUNE_MS)
  }

  static open(opts: SqliteReadingsOptions): SqliteReadings {
    preparePrivateDatabase(opts.file)
    const db = new Database(opts.file)
    db.pragma('journal_mode = WAL')
    // Created here, before the writer thread opens the file, so that queries never meet a missing table.
    createTables(db)
    // From here on this connection cannot write: every write is the writer thread's.
    db.pragma('query_only = ON')
    return new SqliteReadings(db, new SqliteWriter({ file: opts.file, log: opts.log }), opts)
  }

  /** `device<TAB>metric<TAB>ts<TAB>value`: ids and metric names never contain a tab. */
  encode(r: Reading): string {
    return encodeRecord(r)
  }

  /** The thread that runs the inserts now (null while it is being restarted). */
  get writerThreadId(): number | null {
    return this.writer.threadId
  }

  /**
   * A fresh batch, posted to the writer thread as columns (sqlite-rows.ts): no string is made per
   * reading unless the batch has to be spooled. The writer inserts it in one transaction, with
   * the batches waiting beside it (splitting a batch into small transactions was measured: each
   * commit rewrites the b-tree pages it touched, and CPU per row rose 2-3 times).
   */
  async writeReadings(readings: readonly Reading[]): Promise<WriteOutcome> {
    const { rows, transfer } = packRows(readings)
    const reply = await this.writer.request({ type: 'rows', rows }, transfer)
    return outcome(reply, (i) => encodeRecord(readings[i]!))
  }

  /** Spooled records, replayed; the writer thread parses them. */
  async write(records: string[]): Promise<WriteOutcome> {
    const reply = await this.writer.request({ type: 'records', records })
    return outcome(reply, (i) => records[i]!)
  }

  async counts(q: HistoryRequest): Promise<Map<string, number>> {
    const counts = new Map<string, number>()
    for (const [metric, points] of this.reader.read(q))
      if (points.length > 0) counts.set(metric, points.length / 2)
    return counts
  }

  async raw(q: HistoryRequest, limit: number): Promise<HistoryPoint[]> {
    const all: HistoryPoint[] = []
    for (const [metric, points] of this.reader.read(q)) {
      for (let i = 0; i < points.length; i += 2) all.push({ metric, ts: points[i]!, value: points[i + 1]! })
    }
    all.sort((a, b) => a.ts - b.ts || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
    return all.length > limit ? all.slice(0, limit) : all
  }

  async mean(q: HistoryRequest, stepMs: number): Promise<HistoryPoint[]> {
    const means: HistoryPoint[] = []
    for (const [metric, points] of this.reader.read(q)) {
      // Points are in time order: each bucket is one run of them.
      for (let i = 0; i < points.length; ) {
        const bucket = Math.floor(points[i]! / stepMs) * stepMs
        let sum = 0
        let n = 0
        for (; i < points.length && points[i]! < bucket + stepMs; i += 2, n++) sum += points[i + 1]!
        means.push({ metric, ts: bucket, value: sum / n })
      }
    }
    return means
  }

  /** Deletes readings older than the retention window (in the writer thread); resolves with the count. */
  async prune(): Promise<number> {
    const cutoff = this.opts.clock.now() - this.opts.retentionDays * DAY_MS
    const reply = await this.writer.request({ type: 'prune', cutoff })
    if ('error' in reply) throw toError(reply.error)
    return 'deleted' in reply ? reply.deleted : 0
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    if (this.pruneTimer) clearTimeout(this.pruneTimer)
    // The reading connection first: the writer's, closed last, then checkpoints the WAL in its thread.
    this.db.close()
    await this.writer.close()
  }

  private schedulePrune(delayMs: number): void {
    this.pruneTimer = setTimeout(() => {
      this.prune().then(
        (n) => {
          if (n > 0) this.opts.log.info({ deleted: n, days: this.opts.retentionDays }, 'old readings deleted')
          if (!this.closed) this.schedulePrune(PRUNE_EVERY_MS)
        },
        (err: unknown) => this.opts.log.error({ err }, 'deleting old readings failed'),
      )
    }, delayMs)
    this.pruneTimer.unref()
  }
}

/**
 * Reads a device's series from both tiers (sqlite-tables.ts) with this thread's read-only
 * connection: the series' chunks that reach into the range, and the recent rows in it.
 */
class SeriesReader {
  private readonly seriesOf: Database.Statement<[string]>
  private readonly chunks: Database.Statement<[number, number, number]>
  private readonly recent: Database.Statement<[number, number, string]>

  constructor(db: Database.Database) {
    this.seriesOf = db.prepare('SELECT id, metric FROM series WHERE device = ?')
    this.chunks = db
      .prepare('SELECT data FROM reading_chunks WHERE series = ? AND t1 >= ? AND t0 <= ? ORDER BY id')
      .pluck()
    this.recent = db
      .prepare(
        'SELECT series, ts, value FROM readings_recent WHERE ts >= ? AND ts <= ? AND series IN (SELECT value FROM json_each(?))',
      )
      .raw(true)
  }

  /** Metric name → its readings in the range, [ts, value] pairs in time order. */
  read(q: HistoryRequest): Map<string, Points> {
    const series = (this.seriesOf.all(q.device) as { id: number; metric: string }[]).filter((s) =>
      matches(s.metric, q.metric),
    )
    const recent = new Map<number, Points>(series.map((s) => [s.id, []]))
    if (series.length > 0) {
      const rows = this.recent.all(q.from, q.to, JSON.stringify(series.map((s) => s.id))) as [
        number,
        number,
        number,
      ][]
      for (const [id, ts, value] of rows) recent.get(id)?.push(ts, value)
    }
    const result = new Map<string, Points>()
    for (const s of series) {
      const chunks = this.chunks.all(s.id, q.from, q.to) as Uint8Array[]
      result.set(s.metric, mergeSeries(chunks, recent.get(s.id)!, q.from, q.to))
    }
    return result
  }
}

/** An exact metric name, or a family and all its channels; no filter: every metric. */
function matches(metric: string, wanted: string | undefined): boolean {
  const filter = metricFilter(wanted)
  if (filter === null) return true
  if (filter.channel !== null) return metric === wanted
  return metric === filter.family || metric.startsWith(`${filter.family}:`)
}

/** The writer's answer as the sink takes it; `record(i)`: the spool record of the batch's row i. */
function outcome(reply: WriterReply, record: (i: number) => string): WriteOutcome {
  if ('error' in reply) return { status: 'failed', error: toError(reply.error) }
  const refused = 'refused' in reply ? reply.refused : []
  return refused.length > 0 ? { status: 'written', refused: refused.map(record) } : { status: 'written' }
}

/** An Error with SQLite's code (SQLITE_BUSY, SQLITE_FULL, …) or FGW_ERR_STORAGE_WRITER. */
function toError(info: { name: string; message: string; code?: string }): Error {
  return Object.assign(new Error(info.message), { name: info.name, code: info.code })
}
