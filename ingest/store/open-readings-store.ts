import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Clock } from '../deps.ts'
import { answerHistory, type HistoryStore, type ReadingsHistory } from './history-query.ts'
import { InfluxHistory } from './influx-history.ts'
import { InfluxWriter } from './influx-writer.ts'
import type { ReadingsBackend, StorageMetrics, StoreName } from './readings-backend.ts'
import { ReadingsSink } from './readings-sink.ts'
import { Spool } from './spool.ts'
import { SqliteReadings } from './sqlite-readings.ts'
import { influxTarget, type StorageEnv } from './storage-config.ts'

export interface ReadingsStore {
  name: StoreName
  sink: ReadingsSink
  history: ReadingsHistory
  /** Writes or spools everything queued, then closes the store. */
  close(): Promise<void>
}

export interface ReadingsStoreDeps {
  dataDir: string
  clock: Clock
  log: Logger
  metrics: StorageMetrics
}

const DEAD_LETTER_MAX_BYTES = 64 * 1024 * 1024
/** HTTP requests to InfluxDB; batches handed to the SQLite writer thread (it commits waiting ones together). */
const DEFAULT_INFLIGHT: Record<StoreName, number> = { influxdb: 2, sqlite: 8 }

/** InfluxDB when INFLUX_URL is set, else the SQLite table in DATA_DIR; either behind the same sink. */
export function openReadingsStore(env: StorageEnv, deps: ReadingsStoreDeps): ReadingsStore {
  const { backend, history } = openBackend(env, deps)
  // One spool per store: their records differ (line protocol, or a tab-separated row).
  const spool = Spool.open({
    dir: join(deps.dataDir, 'readings-spool', backend.name),
    maxBytes: env.STORAGE_SPOOL_MAX_BYTES,
    fsync: env.STORAGE_SPOOL_FSYNC,
    log: deps.log,
  })
  const deadLetter = Spool.open({
    dir: join(deps.dataDir, 'readings-rejected', backend.name),
    maxBytes: DEAD_LETTER_MAX_BYTES,
    fsync: 'never',
    log: deps.log,
  })
  deps.metrics.spoolLimitBytes.set(env.STORAGE_SPOOL_MAX_BYTES)
  const sink = new ReadingsSink({
    backend,
    spool,
    deadLetter,
    metrics: deps.metrics,
    log: deps.log,
    batchLines: env.STORAGE_BATCH_LINES,
    flushMs: env.STORAGE_FLUSH_MS,
    maxInflight: env.STORAGE_MAX_INFLIGHT ?? DEFAULT_INFLIGHT[backend.name],
    queueMaxLines: env.STORAGE_QUEUE_MAX_LINES,
    retryMaxMs: env.STORAGE_RETRY_MAX_MS,
  })
  deps.log.info({ store: backend.name, spoolBytes: spool.bytes }, 'readings store opened')
  return {
    name: backend.name,
    sink,
    history: { history: (q) => answerHistory(history, q) },
    close: () => sink.close(),
  }
}

function openBackend(
  env: StorageEnv,
  deps: ReadingsStoreDeps,
): { backend: ReadingsBackend; history: HistoryStore } {
  const target = influxTarget(env)
  if (target === null) {
    const sqlite = SqliteReadings.open({
      file: join(deps.dataDir, 'readings.db'),
      retentionDays: env.READINGS_RETENTION_DAYS,
      clock: deps.clock,
      log: deps.log,
    })
    return { backend: sqlite, history: sqlite }
  }
  const history = new InfluxHistory(target)
  // At start-up, but not in its way: InfluxDB may come up later; a history query tries again.
  history.prepare().then(
    (done) => deps.log.info({ dbrp: done }, 'InfluxQL database mapping checked'),
    (err: unknown) => deps.log.warn({ err }, 'InfluxQL database mapping not checked yet'),
  )
  return {
    backend: new InfluxWriter({ target, batchLines: env.STORAGE_BATCH_LINES, log: deps.log }),
    history,
  }
}
