import { Worker } from 'node:worker_threads'
import type { Logger } from 'pino'
import type { WriterData, WriterReply, WriterRequest } from './sqlite-rows.ts'

export interface SqliteWriterOptions {
  file: string
  log: Logger
}

/** A request as the caller posts it: the writer numbers it. */
export type Request = WriterRequest extends infer R
  ? R extends { id: number }
    ? Omit<R, 'id'>
    : never
  : never

const WORKER_FILE = new URL('./sqlite-writer-worker.ts', import.meta.url).href
/**
 * The worker's entry is a .ts file. On Node 20 tsx's loader (`node --import tsx`, the tsx CLI)
 * registers its hooks on the main thread only, so the worker registers them itself, then loads it.
 */
const BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => {
  tsx.register()
  return import(${JSON.stringify(WORKER_FILE)})
})`
const RESTART_MIN_MS = 100
const RESTART_MAX_MS = 5000
const CLOSE_TIMEOUT_MS = 10_000

/**
 * The main thread's handle on the SQLite writer thread (sqlite-writer-worker.ts). Requests are
 * answered in order. When the thread dies, every request it had not answered resolves as an error
 * (the sink spools those batches: nothing acknowledged is lost), the death is logged, and a new
 * thread is started, at once the first time, then after a pause that doubles while it keeps dying.
 */
export class SqliteWriter {
  private worker: Worker | null = null
  private readonly pending = new Map<number, (reply: WriterReply) => void>()
  private nextId = 1
  private crashes = 0
  private closing = false
  private restartTimer: NodeJS.Timeout | null = null

  constructor(private readonly opts: SqliteWriterOptions) {
    this.worker = this.start()
  }

  /** The thread id of the writer thread now running, or null while it is being restarted. */
  get threadId(): number | null {
    return this.worker?.threadId ?? null
  }

  /** Resolves with the writer's answer; never rejects. `transfer`: buffers moved, not copied. */
  request(request: Request, transfer: ArrayBuffer[] = []): Promise<WriterReply> {
    const worker = this.worker
    if (!worker || this.closing) {
      const message = this.closing
        ? 'the readings writer is closed'
        : 'the readings writer thread is restarting'
      return Promise.resolve({ id: 0, error: { name: 'Error', message, code: 'FGW_ERR_STORAGE_WRITER' } })
    }
    const id = this.nextId++
    // Held open while it owes an answer, so that a caller awaiting one is not cut off by an exit.
    if (this.pending.size === 0) worker.ref()
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      try {
        worker.postMessage({ ...request, id }, transfer)
      } catch (err) {
        // Not cloneable (a bug): this batch fails and is spooled; the thread goes on.
        this.pending.delete(id)
        if (this.pending.size === 0) worker.unref()
        resolve({ id, error: { name: 'Error', message: String((err as Error).message ?? err) } })
      }
    })
  }

  /** The thread finishes what was posted before, closes its connection and exits (or is stopped). */
  async close(): Promise<void> {
    this.closing = true
    if (this.restartTimer) clearTimeout(this.restartTimer)
    const worker = this.worker
    if (!worker) return
    worker.ref()
    const exited = new Promise((resolve) => worker.once('exit', resolve))
    worker.postMessage({ type: 'close' } satisfies WriterRequest)
    const timer = setTimeout(() => void worker.terminate(), CLOSE_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }

  private start(): Worker {
    const workerData: WriterData = { file: this.opts.file }
    const worker = new Worker(BOOTSTRAP, { eval: true, workerData })
    // An idle store that is never closed must not keep the process alive.
    worker.unref()
    worker.on('message', (reply: WriterReply) => {
      this.crashes = 0
      const resolve = this.pending.get(reply.id)
      this.pending.delete(reply.id)
      if (this.pending.size === 0 && !this.closing) worker.unref()
      resolve?.(reply)
    })
    worker.on('error', (err) => {
      this.opts.log.error({ err, code: 'FGW_ERR_STORAGE_WRITER' }, 'readings writer thread failed')
    })
    worker.on('exit', (exitCode) => this.exited(worker, exitCode))
    return worker
  }

  private exited(worker: Worker, exitCode: number): void {
    if (worker !== this.worker) return
    this.worker = null
    const inFlight = this.pending.size
    const error = {
      name: 'Error',
      message: `the readings writer thread exited (code ${exitCode})`,
      code: 'FGW_ERR_STORAGE_WRITER',
    }
    // Not answered: failed, so the sink spools them; a batch the thread had committed after all is
    // written again from the spool, and the primary key keeps it once.
    for (const [id, resolve] of this.pending) resolve({ id, error })
    this.pending.clear()
    if (this.closing) return
    const delay = this.crashes === 0 ? 0 : Math.min(RESTART_MAX_MS, RESTART_MIN_MS * 2 ** this.crashes)
    this.crashes++
    this.opts.log.error(
      { code: 'FGW_ERR_STORAGE_WRITER', exitCode, inFlight, restartInMs: delay },
      'readings writer thread died: its unanswered batches are spooled; restarting it',
    )
    this.restartTimer = setTimeout(() => {
      this.restartTimer = null
      if (!this.closing) this.worker = this.start()
    }, delay)
    this.restartTimer.unref()
  }
}
