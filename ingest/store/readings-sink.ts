import { performance } from 'node:perf_hooks'
import type { Logger } from 'pino'
import type { IngestSink } from '../ingest-pipeline.ts'
import type { Reading } from '../reading.ts'
import type { ReadingsBackend, StorageMetrics, WriteOutcome } from './readings-backend.ts'
import type { Spool, SpoolChunk } from './spool.ts'

export interface ReadingsSinkOptions {
  backend: ReadingsBackend
  /** Batches the store could not take, replayed in order once it is back. */
  spool: Spool
  /** Batches the store refused for good (kept for a person to look at, never replayed). */
  deadLetter: Spool
  metrics: StorageMetrics
  log: Logger
  batchLines: number
  flushMs: number
  maxInflight: number
  queueMaxLines: number
  retryMaxMs: number
  /** How long close() waits for the store before it spools what is left. */
  closeTimeoutMs?: number
}

const RETRY_MIN_MS = 500

/**
 * The readings store's side of the ingest pipeline (docs/architecture.md, "Storage": batched, async,
 * spool on outage).
 * `readingsAccepted` only appends to a memory queue, so it is synchronous and cheap: the reading is
 * queued before aedes sends the QoS 1 PUBACK, and the alarm path never waits for storage. Batches
 * leave the queue on a timer or when a batch is full. A batch the store cannot take goes to the
 * spool; from then on new readings queue up behind it in the spool, and the spool is replayed
 * in order, one batch at a time, once a probe write succeeds. Every reading ends up written,
 * rejected (dead-letter file) or dropped (only when the spool is full), and is counted so.
 */
export class ReadingsSink implements IngestSink {
  private queue: Reading[] = []
  /** Batches written directly from the queue, by id, until the store answers (encoded only if spooled). */
  private readonly inflight = new Map<number, readonly Reading[]>()
  private nextId = 0
  private replaying = false
  private down = false
  private retryMs = RETRY_MIN_MS
  private retryTimer: NodeJS.Timeout | null = null
  private pumpScheduled = false
  private closing = false
  private closed = false
  private readonly flushTimer: NodeJS.Timeout

  constructor(private readonly opts: ReadingsSinkOptions) {
    this.flushTimer = setInterval(() => this.guarded(() => this.pump(true)), opts.flushMs)
    this.flushTimer.unref()
    opts.metrics.up.set(1)
    this.updateGauges()
  }

  readingsAccepted(readings: readonly Reading[]): void {
    if (this.closed) {
      this.opts.metrics.dropped.inc(readings.length)
      return
    }
    for (const r of readings) this.queue.push(r)
    if (this.queue.length >= this.opts.batchLines) this.schedulePump()
  }

  /** Writes what is queued (or spools it when the store is down or does not answer in time). */
  async close(): Promise<void> {
    if (this.closing) return
    this.closing = true
    clearInterval(this.flushTimer)
    if (this.retryTimer) clearTimeout(this.retryTimer)
    const deadline = performance.now() + (this.opts.closeTimeoutMs ?? 5000)
    while (this.busy() && performance.now() < deadline) {
      if (!this.down && this.opts.spool.isEmpty) this.sendQueued(1)
      else this.spill()
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    this.spill()
    for (const [id, readings] of this.inflight) {
      // No answer in time: spooled. Should the write have been applied, the replay rewrites the same points.
      this.inflight.delete(id)
      this.toSpool(this.encodeAll(readings))
    }
    this.closed = true
    this.updateGauges()
    this.opts.spool.close()
    this.opts.deadLetter.close()
    await this.opts.backend.close()
  }

  /**
   * Runs timer and callback work: a failure here (a disk error, a bug) is logged and the sink goes
   * on, for it runs in the gateway process and must never take the alarm path down with it.
   */
  private guarded(work: () => void): void {
    try {
      work()
    } catch (err) {
      this.opts.log.error({ err }, 'readings sink failed; it goes on with the next batch')
    }
  }

  private busy(): boolean {
    return this.queue.length > 0 || this.inflight.size > 0 || this.replaying
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => this.guarded(() => this.pump(false)))
  }

  private pump(flushPartial: boolean): void {
    this.pumpScheduled = false
    if (this.closing) return
    if (this.down || !this.opts.spool.isEmpty) {
      // New readings queue up behind the spooled ones, so that the store gets them in order.
      this.spill()
      if (!this.down) this.replay()
    } else {
      this.sendQueued(flushPartial ? 1 : this.opts.batchLines)
      // The store is slower than the readings come in: the spool takes the excess.
      if (this.queue.length > this.opts.queueMaxLines) this.spill()
    }
    this.updateGauges()
  }

  private sendQueued(minLines: number): void {
    const queue = this.queue
    // Batches are cut from `start` on and the rest is copied once, not once per batch.
    let start = 0
    while (this.inflight.size < this.opts.maxInflight && queue.length - start >= Math.max(1, minLines)) {
      const readings =
        start === 0 && queue.length <= this.opts.batchLines
          ? queue
          : queue.slice(start, start + this.opts.batchLines)
      start += readings.length
      const id = this.nextId++
      this.inflight.set(id, readings)
      const { backend } = this.opts
      void this.write(() =>
        backend.writeReadings ? backend.writeReadings(readings) : backend.write(this.encodeAll(readings)),
      ).then((outcome) =>
        this.guarded(() => {
          // Not in flight any more: close() gave up waiting and spooled it.
          if (!this.inflight.delete(id)) return
          this.settle(readings, outcome)
          this.schedulePump()
        }),
      )
    }
    if (start > 0) this.queue = start === queue.length ? [] : queue.slice(start)
  }

  private async write(send: () => Promise<WriteOutcome>): Promise<WriteOutcome> {
    const started = performance.now()
    const outcome = await send().catch(
      (error: unknown): WriteOutcome => ({ status: 'failed', error: error as Error }),
    )
    this.opts.metrics.writeSeconds.observe((performance.now() - started) / 1000)
    return outcome
  }

  private settle(readings: readonly Reading[], outcome: WriteOutcome): void {
    if (outcome.status === 'failed') {
      this.toSpool(this.encodeAll(readings))
      this.markDown(outcome.error)
    } else if (outcome.status === 'rejected') {
      this.reject(this.encodeAll(readings), outcome.error)
    } else {
      this.written(readings.length, outcome.refused)
    }
  }

  /** One batch from the head of the spool; the next follows when it is written. */
  private replay(): void {
    if (this.replaying || this.closing) return
    const chunk = this.opts.spool.read(this.opts.batchLines)
    if (!chunk) return
    this.replaying = true
    void this.write(() => this.opts.backend.write(chunk.records)).then((outcome) =>
      this.guarded(() => this.replayed(chunk, outcome)),
    )
  }

  private replayed(chunk: SpoolChunk, outcome: WriteOutcome): void {
    this.replaying = false
    if (this.closed) return
    if (outcome.status === 'failed') {
      // Still in the spool, still first: tried again after the pause.
      this.markDown(outcome.error)
      return
    }
    if (outcome.status === 'rejected') this.reject(chunk.records, outcome.error)
    else {
      this.written(chunk.records.length, outcome.refused)
      this.opts.metrics.replayed.inc(chunk.records.length - (outcome.refused?.length ?? 0))
    }
    this.opts.spool.commit(chunk)
    this.schedulePump()
  }

  private written(count: number, refused: string[] | undefined): void {
    this.opts.metrics.written.inc(count - (refused?.length ?? 0))
    if (refused && refused.length > 0) this.reject(refused, new Error('malformed records'))
    this.markUp()
  }

  private markDown(error: Error): void {
    if (!this.down) {
      this.opts.log.warn(
        { err: error, code: 'FGW_ERR_STORAGE_WRITE', store: this.opts.backend.name },
        'readings store unavailable: spooling readings until it is back',
      )
      this.down = true
      this.opts.metrics.up.set(0)
    }
    if (this.retryTimer || this.closing) return
    const delay = this.retryMs
    this.retryMs = Math.min(this.retryMs * 2, this.opts.retryMaxMs)
    this.retryTimer = setTimeout(() => this.guarded(() => this.probe()), delay)
    this.retryTimer.unref()
  }

  /** A write of the spool's first batch shows whether the store is back. */
  private probe(): void {
    this.retryTimer = null
    this.spill()
    if (this.opts.spool.isEmpty) this.markUp()
    else this.replay()
  }

  private markUp(): void {
    this.retryMs = RETRY_MIN_MS
    if (!this.down) return
    this.down = false
    this.opts.metrics.up.set(1)
    this.opts.log.info({ spoolBytes: this.opts.spool.bytes }, 'readings store is back: replaying the spool')
    this.schedulePump()
  }

  private spill(): void {
    if (this.queue.length === 0) return
    const readings = this.queue
    this.queue = []
    this.toSpool(this.encodeAll(readings))
  }

  private encodeAll(readings: readonly Reading[]): string[] {
    return readings.map((r) => this.opts.backend.encode(r))
  }

  private toSpool(records: string[]): void {
    const refused = this.opts.spool.append(records)
    this.opts.metrics.spooled.inc(records.length - refused)
    if (refused > 0) {
      this.opts.metrics.dropped.inc(refused)
      this.opts.log.error({ code: 'FGW_ERR_STORAGE_SPOOL_FULL', dropped: refused }, 'readings dropped')
    }
    this.updateGauges()
  }

  private reject(records: string[], error: Error): void {
    this.opts.log.error(
      { err: error, code: 'FGW_ERR_STORAGE_REJECTED', readings: records.length },
      'readings store refused a batch for good: kept in the dead-letter file',
    )
    this.opts.metrics.rejected.inc(records.length)
    const lost = this.opts.deadLetter.append(records)
    if (lost > 0) this.opts.log.error({ lost }, 'dead-letter file full: refused readings not kept')
  }

  private updateGauges(): void {
    let inflight = 0
    for (const readings of this.inflight.values()) inflight += readings.length
    this.opts.metrics.queued.set(this.queue.length + inflight)
    this.opts.metrics.spoolBytes.set(this.opts.spool.bytes)
  }
}
