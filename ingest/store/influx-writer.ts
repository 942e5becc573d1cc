import http from 'node:http'
import https from 'node:https'
import { HttpError, InfluxDB, setLogger, type WriteApi } from '@influxdata/influxdb-client'
import type { Logger } from 'pino'
import type { Reading } from '../reading.ts'
import { LinePrefixes } from './line-protocol.ts'
import type { ReadingsBackend, WriteOutcome } from './readings-backend.ts'
import type { InfluxTarget } from './storage-config.ts'

export interface InfluxWriterOptions {
  target: InfluxTarget
  /** Largest batch `write` is given (the client's own batch size is set above it). */
  batchLines: number
  log: Logger
}

/** Statuses for which writing the same lines again would fail again: bad lines, outside retention. */
const REJECTED_STATUS = new Set([400, 413, 422])

/**
 * Writes line-protocol batches with @influxdata/influxdb-client, to /api/v2/write (2.x, 3.x) or,
 * with INFLUX_API=v1, to /write (the WriteApi's `path` is set to it).
 *
 * How every line is accounted for exactly once. The client left to itself loses lines: it drops
 * the oldest from its retry buffer when the buffer overflows, and flush() resolves even when every
 * batch failed. So the client never holds a line that its caller does not know about:
 * - Each batch goes through a lane, a WriteApi of its own with at most one batch in flight, so
 *   every callback of that WriteApi concerns exactly that batch.
 * - batchSize is above any batch and flushInterval is 0: the WriteApi sends only when `write`
 *   calls flush(), and sends the batch as one request.
 * - writeSuccess(lines) settles the batch as written (2xx), with the client's own line count.
 * - writeFailed returns a Promise: the client then takes it as the result of the write and does
 *   not put the lines in its retry buffer; the batch is settled as failed (the sink spools it) or,
 *   for a 400/413/422, rejected. maxRetries 0 keeps the retry buffer out of use even without it,
 *   and writeRetrySkipped, should it ever run, settles the batch as failed too.
 * - A batch that flush() left unsettled (which the client's code does not do) counts as failed.
 * A line is counted written only on the server's 2xx. A timed-out write that the server did apply
 * is spooled and written again later: a point with the same series and time replaces itself, so
 * InfluxDB still holds it once.
 */
export class InfluxWriter implements ReadingsBackend {
  readonly name = 'influxdb' as const
  private readonly prefixes = new LinePrefixes()
  private readonly influx: InfluxDB
  private readonly agent: http.Agent
  private readonly free: Lane[] = []
  private readonly lanes: Lane[] = []

  constructor(private readonly opts: InfluxWriterOptions) {
    const { target } = opts
    // Not bounded by maxSockets: a request queued behind a socket of a stopped server would not even
    // start its timeout. Sockets of timed-out requests are freed once the server answers or goes.
    this.agent = new (target.url.startsWith('https:') ? https.Agent : http.Agent)({ keepAlive: true })
    this.influx = new InfluxDB({
      url: target.url,
      timeout: target.timeoutMs,
      headers: target.authorization ? { Authorization: target.authorization } : {},
      transportOptions: { agent: this.agent },
    })
    // The client logs through a process-wide logger of its own; route it into pino.
    const log = opts.log.child({ lib: 'influxdb-client' })
    setLogger({ error: (message, err) => log.error({ err }, message), warn: (message) => log.warn(message) })
  }

  encode(r: Reading): string {
    return this.prefixes.line(r)
  }

  async write(records: string[]): Promise<WriteOutcome> {
    if (records.length > this.opts.batchLines) {
      // The WriteApi would split it into requests of its own, and the accounting by lane would break.
      return { status: 'failed', error: new Error(`a batch of ${records.length} lines exceeds batchLines`) }
    }
    const lane = this.free.pop() ?? this.newLane()
    try {
      return await lane.write(records)
    } finally {
      this.free.push(lane)
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.lanes.map((lane) => lane.close()))
    this.agent.destroy()
  }

  private newLane(): Lane {
    const lane = new Lane(this.influx, this.opts.target, this.opts.batchLines, this.opts.log)
    this.lanes.push(lane)
    return lane
  }
}

interface Batch {
  lines: number
  outcome: WriteOutcome | null
}

/** One WriteApi with at most one batch in flight (see InfluxWriter). */
class Lane {
  private readonly api: WriteApi
  private batch: Batch | null = null

  constructor(influx: InfluxDB, target: InfluxTarget, batchLines: number, log: Logger) {
    this.api = influx.getWriteApi(target.org, target.bucket, 'ms', {
      batchSize: batchLines + 1,
      flushInterval: 0,
      maxRetries: 0,
      maxBufferLines: batchLines,
      // Loopback or LAN: compressing costs more CPU than the bytes it saves.
      gzipThreshold: undefined,
      writeSuccess: (lines) => this.settle(lines.length, { status: 'written' }, log),
      writeFailed: (error, lines) => {
        this.settle(lines.length, outcomeOf(error), log)
        return Promise.resolve()
      },
      writeRetrySkipped: ({ lines }) =>
        this.settle(
          lines.length,
          { status: 'failed', error: new Error('left the client retry buffer') },
          log,
        ),
    })
    if (target.api === 'v1') this.api.path = v1WritePath(target)
  }

  async write(records: string[]): Promise<WriteOutcome> {
    const batch: Batch = { lines: records.length, outcome: null }
    this.batch = batch
    this.api.writeRecords(records)
    await this.api.flush().catch(() => undefined)
    this.batch = null
    return batch.outcome ?? { status: 'failed', error: new Error('the InfluxDB client reported no outcome') }
  }

  close(): Promise<void> {
    return this.api.close().catch(() => undefined)
  }

  private settle(lines: number, outcome: WriteOutcome, log: Logger): void {
    const batch = this.batch
    if (batch === null || batch.outcome !== null || lines !== batch.lines) {
      // Would break the accounting; the client's code gives no way to get here.
      log.error({ lines, expected: batch?.lines ?? 0, status: outcome.status }, 'unexpected write callback')
      return
    }
    batch.outcome = outcome
  }
}

function outcomeOf(error: Error): WriteOutcome {
  if (error instanceof HttpError && REJECTED_STATUS.has(error.statusCode))
    return { status: 'rejected', error }
  return { status: 'failed', error }
}

function v1WritePath(target: InfluxTarget): string {
  const rp = target.rp ? `&rp=${encodeURIComponent(target.rp)}` : ''
  return `/write?db=${encodeURIComponent(target.db)}${rp}&precision=ms`
}
