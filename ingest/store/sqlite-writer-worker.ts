import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
import { compactionStep, pruneStep } from './sqlite-compaction.ts'
import {
  type ErrorInfo,
  parseRecord,
  type RowColumns,
  validRow,
  type WriterData,
  type WriterReply,
  type WriterRequest,
} from './sqlite-rows.ts'

// The SQLite writer thread, started by sqlite-writer.ts: the only connection that writes readings.db.
// It runs off the gateway's event loop, so that an insert transaction never delays a PUBACK or an
// alarm (docs/architecture.md, "Storage": the alarm path never waits for storage).

/** Batches waiting together are committed in one transaction, up to this many rows (see drain). */
const MAX_TRANSACTION_ROWS = 50_000
/**
 * Recent rows are packed into chunks once this many have gathered, this many at a time (one
 * transaction; writes go between steps). Bigger chunks cost less per reading; a history query scans
 * the recent rows of its time range, so they are kept to about this many.
 */
const COMPACT_ROWS = 100_000
const CACHE_KIB = 32 * 1024
/**
 * Rows per INSERT statement: one call into SQLite binds this many rows, instead of one call per
 * row (tests/bench/sqlite-writer-cpu.ts measures the thread's CPU per reading).
 */
const ROWS_PER_INSERT = 200
const CHECKPOINT_PAGES = 10_000

type Write = Extract<WriterRequest, { type: 'rows' | 'records' }>
type PruneRequest = Extract<WriterRequest, { type: 'prune' }>
interface Prune extends PruneRequest {
  /** The last series id done. */
  after: number
  deleted: number
}

class WriterThread {
  private readonly queue: WriterRequest[] = []
  private readonly prunes: Prune[] = []
  private scheduled = false
  private readonly insert: Database.Statement<[number, number, number]>
  private readonly insertMany: Database.Statement<[number[]]>
  /** The parameters of one insertMany, filled row by row and reused. */
  private readonly params = new Array<number>(3 * ROWS_PER_INSERT)
  private readonly seriesIds = new SeriesIds()
  private readonly insertAll: (writes: Write[], refused: number[][]) => void
  private readonly pruneStep: (prune: Prune) => boolean
  private readonly compactStep: () => number
  /** Rows in readings_recent, about (a replaced row counts again): what triggers a compaction. */
  private recentRows: number
  private readonly port = parentPort!

  constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL')
    // Readings are not alerts: a power loss may take the last transactions (a crash does not).
    db.pragma('synchronous = NORMAL')
    // A locked database fails the batch at once: the sink spools it and tries again later.
    db.pragma('busy_timeout = 0')
    db.pragma(`cache_size = -${CACHE_KIB}`)
    // A checkpoint (with its fsync) every ~40 MB of WAL rather than SQLite's 4 MB: a compaction
    // rewrites the tail page of every series, so most of them are checkpointed once, not each time.
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`)
    this.seriesIds.prepare(db)
    // Prepared once: the many-row statement for full groups, the one-row statement for the rest.
    this.insert = db.prepare('INSERT OR REPLACE INTO readings_recent (ts, series, value) VALUES (?, ?, ?)')
    this.insertMany = db.prepare<[number[]]>(
      `INSERT OR REPLACE INTO readings_recent (ts, series, value) VALUES ${Array(ROWS_PER_INSERT).fill('(?, ?, ?)').join(', ')}`,
    )
    const insertAll = db.transaction((writes: Write[], refused: number[][]) => {
      writes.forEach((w, k) => {
        if (w.type === 'rows') this.insertRows(w.rows, refused[k]!)
        else this.insertRecords(w.records, refused[k]!)
      })
    })
    this.insertAll = (writes, refused) => {
      try {
        insertAll(writes, refused)
      } catch (err) {
        // Ids of series first seen in the rolled-back transaction do not exist.
        this.seriesIds.forget()
        throw err
      }
    }
    this.pruneStep = db.transaction(pruneStep(db))
    this.compactStep = db.transaction(compactionStep(db, COMPACT_ROWS))
    this.recentRows = (db.prepare('SELECT count(*) AS n FROM readings_recent').get() as { n: number }).n
    this.port.on('message', (request: WriterRequest) => {
      this.queue.push(request)
      this.schedule()
    })
  }

  private schedule(): void {
    if (this.scheduled) return
    this.scheduled = true
    // After the messages already delivered: the batches waiting now share one transaction.
    setImmediate(() => this.drain())
  }

  private drain(): void {
    this.scheduled = false
    while (this.queue[0]?.type === 'prune') {
      const request = this.queue.shift() as PruneRequest
      this.prunes.push({ ...request, after: 0, deleted: 0 })
    }
    if (this.queue[0]?.type === 'close') {
      this.close()
      return
    }
    const writes = this.takeWrites()
    if (writes.length > 0) this.commit(writes)
    const prune = this.prunes[0]
    if (prune) this.prune(prune)
    if (this.recentRows >= COMPACT_ROWS) this.compact()
    if (this.queue.length > 0 || this.prunes.length > 0 || this.recentRows >= COMPACT_ROWS) this.schedule()
  }

  /** One step; a failure (a full disk, say) leaves the rows where they are, readable, for the next. */
  private compact(): void {
    try {
      this.recentRows = Math.max(0, this.recentRows - this.compactStep())
    } catch (err) {
      // Not a reply: nobody waits for a compaction. Counted down anyway, so that a lasting failure
      // is retried after the next COMPACT_ROWS readings, not in a loop.
      this.recentRows = 0
      console.error('readings compaction failed:', errorInfo(err).message)
    }
  }

  private takeWrites(): Write[] {
    const writes: Write[] = []
    let rows = 0
    for (let next = this.queue[0]; next?.type === 'rows' || next?.type === 'records'; next = this.queue[0]) {
      const size = next.type === 'rows' ? next.rows.numbers.length / 2 : next.records.length
      if (writes.length > 0 && rows + size > MAX_TRANSACTION_ROWS) break
      writes.push(next)
      rows += size
      this.queue.shift()
    }
    return writes
  }

  /** One transaction; each batch gets its own answer, all failed together if the commit fails. */
  private commit(writes: Write[]): void {
    const refused = writes.map((): number[] => [])
    try {
      this.insertAll(writes, refused)
    } catch (err) {
      const error = errorInfo(err)
      for (const w of writes) this.reply({ id: w.id, error })
      return
    }
    writes.forEach((w, k) => {
      this.reply({ id: w.id, refused: refused[k]! })
    })
  }

  private insertRows({ devices, metrics, keys, numbers }: RowColumns, refused: number[]): void {
    const n = numbers.length / 2
    // Series ids by (device, metric) index pair of this batch: no key string per row.
    const series = new Map<number, number>()
    const rows = this.rowBatch()
    for (let i = 0; i < n; i++) {
      const d = keys[2 * i]!
      const m = keys[2 * i + 1]!
      const ts = numbers[2 * i]!
      const value = numbers[2 * i + 1]!
      if (!validRow(devices[d], metrics[m], ts, value)) {
        refused.push(i)
        continue
      }
      const pair = d * metrics.length + m
      let id = series.get(pair)
      if (id === undefined) {
        id = this.seriesIds.of(devices[d]!, metrics[m]!)
        series.set(pair, id)
      }
      rows.add(ts, id, value)
    }
    rows.end()
    this.recentRows += n - refused.length
  }

  private insertRecords(records: string[], refused: number[]): void {
    const rows = this.rowBatch()
    records.forEach((record, i) => {
      const row = parseRecord(record)
      if (row) rows.add(row.ts, this.seriesIds.of(row.device, row.metric), row.value)
      else refused.push(i)
    })
    rows.end()
    this.recentRows += records.length - refused.length
  }

  /** Rows go in by the multi-row INSERT when it is full, the rest one by one at `end`. */
  private rowBatch() {
    const params = this.params
    let filled = 0
    return {
      add: (ts: number, series: number, value: number) => {
        params[filled++] = ts
        params[filled++] = series
        params[filled++] = value
        if (filled === params.length) {
          this.insertMany.run(params)
          filled = 0
        }
      },
      end: () => {
        // Rows are inserted in order, so a repeated (ts, series) still ends with its last value.
        for (let k = 0; k < filled; k += 3) this.insert.run(params[k]!, params[k + 1]!, params[k + 2]!)
      },
    }
  }

  private prune(prune: Prune): void {
    let done: boolean
    try {
      done = this.pruneStep(prune)
    } catch (err) {
      this.prunes.shift()
      this.reply({ id: prune.id, error: errorInfo(err) })
      return
    }
    if (!done) return
    this.prunes.shift()
    this.reply({ id: prune.id, deleted: prune.deleted })
  }

  /** After everything posted before the close: the main thread awaits this thread's exit. */
  private close(): void {
    for (const p of this.prunes.splice(0)) this.reply({ id: p.id, deleted: p.deleted })
    this.db.close()
    this.port.close()
  }

  private reply(reply: WriterReply): void {
    this.port.postMessage(reply)
  }
}

/** Series ids by `device<TAB>metric`, created on first sight, kept for the thread's life. */
class SeriesIds {
  private readonly ids = new Map<string, number>()
  private find!: Database.Statement<[string, string]>
  private create!: Database.Statement<[string, string]>

  prepare(db: Database.Database): void {
    this.find = db.prepare('SELECT id FROM series WHERE device = ? AND metric = ?')
    this.create = db.prepare('INSERT INTO series (device, metric) VALUES (?, ?)')
  }

  of(device: string, metric: string): number {
    const key = `${device}\t${metric}`
    let id = this.ids.get(key)
    if (id === undefined) {
      const row = this.find.get(device, metric) as { id: number } | undefined
      id = row ? row.id : Number(this.create.run(device, metric).lastInsertRowid)
      this.ids.set(key, id)
    }
    return id
  }

  forget(): void {
    this.ids.clear()
  }
}

function errorInfo(err: unknown): ErrorInfo {
  const e = err as { name?: unknown; message?: unknown; code?: unknown } | null
  const info: ErrorInfo = { name: String(e?.name ?? 'Error'), message: String(e?.message ?? err) }
  if (typeof e?.code === 'string') info.code = e.code
  return info
}

yieldToTheAlarmPath()
// No busy wait even while setting up (better-sqlite3 waits 5 s by default): see the constructor.
new WriterThread(new Database((workerData as WriterData).file, { timeout: 0 }))

/**
 * On Linux a thread has its own nice value: this one, and only this one, steps back so that on a
 * busy machine the event loop (device messages, rules, alerts) gets the CPU first. Readings then
 * wait in the queue or the spool, which is what they are for (docs/architecture.md, "Storage": the
 * alarm path never waits for storage). Where the OS refuses, the thread keeps the default priority.
 */
function yieldToTheAlarmPath(): void {
  try {
    setPriority(0, 10)
  } catch {
    // Not permitted or not supported: a slower alarm path under load, nothing lost.
  }
}
