import { z } from 'zod'

const Flag = <T extends string>(values: readonly [T, ...T[]], fallback: T) => z.enum(values).default(fallback)
const Int = (min: number, max: number, fallback: number) =>
  z.coerce.number().int().min(min).max(max).default(fallback)

/**
 * Environment of the readings store (README "Storage"); merged into the
 * gateway's schema in gateway/config.ts, parsed once in main.ts.
 */
export const StorageEnv = z.object({
  /** Unset: readings go to the embedded SQLite table in DATA_DIR. */
  INFLUX_URL: z.url({ protocol: /^https?$/ }).optional(),
  /** v2: /api/v2/write (InfluxDB 2.x and 3.x); v1: /write (InfluxDB 1.x). */
  INFLUX_API: Flag(['v1', 'v2'], 'v2'),
  /** v2: an API token; v1: `user:password`, or a token where the server takes one. */
  INFLUX_TOKEN: z.string().min(1).optional(),
  INFLUX_ORG: z.string().min(1).optional(),
  /** v2: the bucket; v1: the database, optionally `db/retention-policy`. */
  INFLUX_BUCKET: z.string().min(1).optional(),
  /** Socket timeout of one write or query; a write that times out is spooled. */
  INFLUX_TIMEOUT_MS: Int(100, 300_000, 10_000),
  /** Embedded store only: readings older than this are deleted (hourly). */
  READINGS_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(7),
  /** Readings per write request (InfluxDB) or per insert transaction (SQLite). */
  STORAGE_BATCH_LINES: Int(1, 100_000, 5000),
  /** A partial batch is written after at most this long. */
  STORAGE_FLUSH_MS: Int(10, 60_000, 200),
  /**
   * Write requests in flight at once; unset: 2 for InfluxDB, 8 for the embedded store (batches
   * waiting at its writer thread are committed together, which is cheaper per reading when it lags).
   */
  STORAGE_MAX_INFLIGHT: z.coerce.number().int().min(1).max(16).optional(),
  /** Readings kept in memory while the store lags; beyond this they go to the spool. */
  STORAGE_QUEUE_MAX_LINES: Int(1000, 10_000_000, 50_000),
  /** Size bound of the on-disk spool (DATA_DIR/readings-spool); beyond it readings are dropped. */
  STORAGE_SPOOL_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024 * 1024)
    .default(1024 ** 3),
  /** always: fsync every append; interval: once a second; never: leave it to the OS. */
  STORAGE_SPOOL_FSYNC: Flag(['always', 'interval', 'never'], 'interval'),
  /** Longest pause between two attempts to reach a store that is down. */
  STORAGE_RETRY_MAX_MS: Int(100, 600_000, 5000),
})
export type StorageEnv = z.infer<typeof StorageEnv>

/** Cross-field rules of StorageEnv (zod refinements cannot live on a schema whose shape is merged). */
export function checkStorageEnv(env: StorageEnv, ctx: z.RefinementCtx): void {
  if (!env.INFLUX_URL) return
  const need = (field: keyof StorageEnv, why: string) => {
    if (!env[field]) ctx.addIssue({ code: 'custom', path: [field], message: `required ${why}` })
  }
  need('INFLUX_BUCKET', 'when INFLUX_URL is set')
  if (env.INFLUX_API === 'v2') need('INFLUX_ORG', 'with INFLUX_API=v2 (any value for InfluxDB 3.x)')
  if (env.INFLUX_API === 'v2') need('INFLUX_TOKEN', 'with INFLUX_API=v2')
  const parts = env.INFLUX_BUCKET?.split('/') ?? []
  if (env.INFLUX_API === 'v1' && (parts.length > 2 || parts.some((p) => p === ''))) {
    ctx.addIssue({ code: 'custom', path: ['INFLUX_BUCKET'], message: 'expected `database` or `database/rp`' })
  }
}

/** Where and how to reach InfluxDB, derived once from StorageEnv. */
export interface InfluxTarget {
  url: string
  api: 'v1' | 'v2'
  org: string
  bucket: string
  /** The InfluxQL database (v1: INFLUX_BUCKET's first part; v2: the bucket, through a DBRP mapping). */
  db: string
  rp: string | null
  /** The Authorization header value, or null when the server needs none. */
  authorization: string | null
  timeoutMs: number
}

export function influxTarget(env: StorageEnv): InfluxTarget | null {
  if (!env.INFLUX_URL) return null
  const bucket = env.INFLUX_BUCKET ?? ''
  const [db = bucket, rp = null] = env.INFLUX_API === 'v1' ? bucket.split('/') : [bucket]
  return {
    url: env.INFLUX_URL.replace(/\/+$/, ''),
    api: env.INFLUX_API,
    org: env.INFLUX_ORG ?? '',
    bucket,
    db,
    rp,
    authorization: authorization(env.INFLUX_API, env.INFLUX_TOKEN),
    timeoutMs: env.INFLUX_TIMEOUT_MS,
  }
}

function authorization(api: 'v1' | 'v2', token: string | undefined): string | null {
  if (!token) return null
  // 1.x takes user:password as HTTP Basic; 1.8+ and 2.x also take `Token user:password`, 1.6 does not.
  if (api === 'v1' && token.includes(':')) return `Basic ${Buffer.from(token).toString('base64')}`
  return `Token ${token}`
}
