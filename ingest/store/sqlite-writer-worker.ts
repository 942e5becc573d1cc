import { setPriority } from 'node:os'
import { parentPort, workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'
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
// alarm (DESIGN.md "The alarm path never waits for storage").

/** Batches waiting together are committed in one transaction, up to this many rows (see drain). */
const MAX_TRANSACTION_ROWS = 50_000
/** One prune step deletes at most this many rows and visits at most this many series; writes go between steps. */
const PRUNE_ROWS = 5000
const PRUNE_SERIES = 500
/**
 * A batch touches the last page of nearly every series (the key is device, metric, ts): a cache that
 * holds them all spares reading them again for every batch.
 */
const CACHE_KIB = 32 * 1024
const CHECKPOINT_PAGES = 10_000

type Write = Extract<WriterRequest, { type: 'rows' | 'records' }>
type PruneRequest = Extract<WriterRequest, { type: 'prune' }>
type Series = { device: string; metric: string }
interface Prune extends PruneRequest {
  after: Series | null
  deleted: number
}

class WriterThread {
  private readonly queue: WriterRequest[] = []
  private readonly prunes: Prune[] = []
  private scheduled = false
  private readonly insert: Database.Statement<[string, string, number, number]>
  private readonly insertAll: (writes: Write[], refused: number[][]) => void
  private readonly pruneStep: (prune: Prune) => boolean
  private readonly port = parentPort!

  constructor(private readonly db: Database.Database) {
    db.pragma('journal_mode = WAL')
    // Readings are not alerts: a power loss may take the last transactions (a crash does not).
    db.pragma('synchronous = NORMAL')
    // A locked database fails the batch at once: the sink spools it and tries again later.
    db.pragma('busy_timeout = 0')
    db.pragma(`cache_size = -${CACHE_KIB}`)
    // A checkpoint (with its fsync) every ~40 MB of WAL rather than SQLite's 4 MB: a batch rewrites the
    // tail page of every series, so most of them are checkpointed once instead of once per batch
    // (tests/bench/sqlite-layout.ts: about a third less wall time per row).
    db.pragma(`wal_autocheckpoint = ${CHECKPOINT_PAGES}`)
    // One statement, prepared once, for every row of every batch.
    this.insert = db.prepare(
      'INSERT OR REPLACE INTO readings (device, metric, ts, value) VALUES (?, ?, ?, ?)',
    )
    this.insertAll = db.transaction((writes: Write[], refused: number[][]) => {
      writes.forEach((w, k) => {
        if (w.type === 'rows') this.insertRows(w.rows, refused[k]!)
        else this.insertRecords(w.records, refused[k]!)
      })
    })
    this.pruneStep = db.transaction(pruneStatements(db))
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
      this.prunes.push({ ...request, after: null, deleted: 0 })
    }
    if (this.queue[0]?.type === 'close') {
      this.close()
      return
    }
    const writes = this.takeWrites()
    if (writes.length > 0) this.commit(writes)
    const prune = this.prunes[0]
    if (prune) this.prune(prune)
    if (this.queue.length > 0 || this.prunes.length > 0) this.schedule()
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
    for (let i = 0; i < n; i++) {
      const device = devices[keys[2 * i]!]
      const metric = metrics[keys[2 * i + 1]!]
      const ts = numbers[2 * i]!
      const value = numbers[2 * i + 1]!
      if (validRow(device, metric, ts, value)) this.insert.run(device!, metric!, ts, value)
      else refused.push(i)
    }
  }

  private insertRecords(records: string[], refused: number[]): void {
    records.forEach((record, i) => {
      const row = parseRecord(record)
      if (row) this.insert.run(row.device, row.metric, row.ts, row.value)
      else refused.push(i)
    })
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

/**
 * One step of a prune: series by series in key order (the primary key finds each next series and
 * its old rows; no index on ts is kept only for this), at most PRUNE_ROWS rows; true when done.
 */
function pruneStatements(db: Database.Database): (prune: Prune) => boolean {
  const first = db.prepare('SELECT device, metric FROM readings ORDER BY device, metric LIMIT 1')
  const next = db.prepare(
    'SELECT device, metric FROM readings WHERE (device, metric) > (?, ?) ORDER BY device, metric LIMIT 1',
  )
  const nth = db.prepare(
    'SELECT ts FROM readings WHERE device = ? AND metric = ? AND ts < ? ORDER BY ts LIMIT 1 OFFSET ?',
  )
  const remove = db.prepare('DELETE FROM readings WHERE device = ? AND metric = ? AND ts < ?')
  return (prune) => {
    let budget = PRUNE_ROWS
    for (let visited = 0; visited < PRUNE_SERIES && budget > 0; visited++) {
      const series = (prune.after ? next.get(prune.after.device, prune.after.metric) : first.get()) as
        | Series
        | undefined
      if (!series) return true
      // The ts of the first old row past the budget: the rest of this series waits for the next step.
      const limit = nth.get(series.device, series.metric, prune.cutoff, budget) as { ts: number } | undefined
      const removed = remove.run(series.device, series.metric, limit ? limit.ts : prune.cutoff).changes
      prune.deleted += removed
      budget -= removed
      if (!limit) prune.after = series
    }
    return false
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
 * wait in the queue or the spool, which is what they are for (DESIGN.md: the alarm path never
 * waits for storage). Where the OS refuses, the thread keeps the default priority.
 */
function yieldToTheAlarmPath(): void {
  try {
    setPriority(0, 10)
  } catch {
    // Not permitted or not supported: a slower alarm path under load, nothing lost.
  }
}
