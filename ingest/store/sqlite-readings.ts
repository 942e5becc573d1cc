import Database from 'better-sqlite3'
import type { Logger } from 'pino'
import type { Clock } from '../deps.ts'
import type { Reading } from '../reading.ts'
import { type HistoryPoint, type HistoryRequest, type HistoryStore, metricFilter } from './history-query.ts'
import type { ReadingsBackend, WriteOutcome } from './readings-backend.ts'
import { encodeRecord, packRows, type WriterReply } from './sqlite-rows.ts'
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

// One row per reading; the primary key makes a reading written twice (a replayed batch) one row,
// and answers both the history queries (device, metric, range) and the prune (series by series).
// A second index on ts, for the prune alone, cost a fifth or more of the insert CPU and half of the
// file (tests/bench/sqlite-layout.ts): databases of earlier versions lose it when opened.
const SCHEMA = `
CREATE TABLE IF NOT EXISTS readings (
  device TEXT NOT NULL,
  metric TEXT NOT NULL,
  ts INTEGER NOT NULL,
  value REAL NOT NULL,
  PRIMARY KEY (device, metric, ts)
) WITHOUT ROWID;
DROP INDEX IF EXISTS readings_ts;
`

type Row = { metric: string; ts: number; value: number }

/**
 * The embedded readings store (DESIGN.md "Storage"): a SQLite table in DATA_DIR with a retention
 * window. Writes (batches and the prune) go to a writer thread with a connection of its own
 * (sqlite-writer.ts), so that no insert runs on the event loop; this thread keeps a connection that
 * only reads, for history queries (WAL: readers see every committed batch and never wait for the writer).
 */
export class SqliteReadings implements ReadingsBackend, HistoryStore {
  readonly name = 'sqlite' as const
  private readonly statements = new Map<string, Database.Statement>()
  private pruneTimer: NodeJS.Timeout | null = null
  private closed = false

  private constructor(
    private readonly db: Database.Database,
    private readonly writer: SqliteWriter,
    private readonly opts: SqliteReadingsOptions,
  ) {
    // Not at once: start-up has enough to do; a minute later, then hourly.
    this.schedulePrune(FIRST_PRUNE_MS)
  }

  static open(opts: SqliteReadingsOptions): SqliteReadings {
    const db = new Database(opts.file)
    db.pragma('journal_mode = WAL')
    // Created here, before the writer thread opens the file, so that queries never meet a missing table.
    db.exec(SCHEMA)
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
    const rows = this.query<{ metric: string; n: number }>(
      'SELECT metric, count(*) AS n',
      q,
      'GROUP BY metric',
    )
    return new Map(rows.map((r) => [r.metric, r.n]))
  }

  async raw(q: HistoryRequest, limit: number): Promise<HistoryPoint[]> {
    return this.query<Row>('SELECT metric, ts, value', q, 'ORDER BY ts, metric LIMIT ?', [limit])
  }

  async mean(q: HistoryRequest, stepMs: number): Promise<HistoryPoint[]> {
    const step = 'CAST(? AS INTEGER)'
    const select = `SELECT metric, (ts / ${step}) * ${step} AS bucket, avg(value) AS value`
    const rows = this.query<{ metric: string; bucket: number; value: number }>(
      select,
      q,
      'GROUP BY metric, bucket',
      [],
      [stepMs, stepMs],
    )
    return rows.map((r) => ({ metric: r.metric, ts: r.bucket, value: r.value }))
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

  /** `select` FROM readings WHERE <device, range, metric> `tail`, with prepared statements kept. */
  private query<T>(
    select: string,
    q: HistoryRequest,
    tail: string,
    tailArgs: unknown[] = [],
    selectArgs: unknown[] = [],
  ): T[] {
    const filter = metricFilter(q.metric)
    const where =
      filter === null
        ? ''
        : filter.channel !== null
          ? ' AND metric = ?'
          : ' AND (metric = ? OR metric GLOB ?)'
    const sql = `${select} FROM readings WHERE device = ? AND ts >= ? AND ts <= ?${where} ${tail}`
    let statement = this.statements.get(sql)
    if (!statement) {
      statement = this.db.prepare(sql)
      this.statements.set(sql, statement)
    }
    const metricArgs =
      filter === null ? [] : filter.channel !== null ? [q.metric] : [filter.family, `${filter.family}:*`]
    return statement.all(...selectArgs, q.device, q.from, q.to, ...metricArgs, ...tailArgs) as T[]
  }
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
