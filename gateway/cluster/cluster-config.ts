import { z } from 'zod'

const Count = (min: number, max: number) => z.coerce.number().int().min(min).max(max)

/** `nats://host:port,nats://host:port`: blanks around the commas are ignored, the list may not be empty. */
const NatsServers = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== ''),
  )
  .pipe(
    z
      .array(
        z.string().refine((s) => /^(nats|tls):\/\/[^\s/]+$/.test(s), {
          message: 'each server is nats://host:port or tls://host:port',
        }),
      )
      .min(1, { message: 'give at least one nats://host:port' }),
  )

const PostgresUrl = z.string().refine((s) => /^postgres(ql)?:\/\/\S+$/.test(s), {
  message: 'a postgres://user@host:port/database URL',
})

/**
 * Cluster mode (docs/cluster.md): on when NATS_URL and DATABASE_URL are both set; without them the
 * gateway runs embedded (aedes + SQLite), as always. docs/cluster.md "Running cluster mode" documents
 * each variable.
 */
export const ClusterEnv = z.object({
  /** The JetStream cluster's servers, comma-separated. */
  NATS_URL: NatsServers.optional(),
  /** The PostgreSQL of alerts, incidents and the notification outbox. */
  DATABASE_URL: PostgresUrl.optional(),
  /** This node's name in leases, logs and metrics; default hostname-pid. */
  NODE_ID: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'letters, digits, . _ - (at most 64)' })
    .optional(),
  /** Fixed for the life of a cluster: a building's partition is hash(building) mod this. */
  CLUSTER_PARTITIONS: Count(1, 1024).default(32),
  /** A worker that has not renewed its lease for this long may be fenced off by another. */
  CLUSTER_LEASE_SEC: Count(2, 300).default(10),
  /** Replicas of the streams: 3 in production (one server may fail); 1 only for a one-server trial. */
  CLUSTER_STREAM_REPLICAS: z.coerce
    .number()
    .int()
    .refine((n) => n === 1 || n === 3 || n === 5, { message: '1, 3 or 5' })
    .default(3),
  /** Start-up gives NATS and PostgreSQL this long to answer before it stops with a message. */
  CLUSTER_CONNECT_TIMEOUT_MS: Count(500, 120_000).default(10_000),
  /** A worker commits a partition's transitions and offset at most this many messages at a time. */
  CLUSTER_BATCH_MAX: Count(1, 10_000).default(500),
})

type ClusterFields = z.output<typeof ClusterEnv>

/** NATS_URL and DATABASE_URL come together: one without the other is a half-configured cluster. */
export function checkClusterEnv(env: Partial<ClusterFields>, ctx: z.RefinementCtx): void {
  const nats = env.NATS_URL !== undefined
  const pg = env.DATABASE_URL !== undefined
  if (nats && !pg)
    ctx.addIssue({ code: 'custom', path: ['DATABASE_URL'], message: 'cluster mode needs it beside NATS_URL' })
  if (pg && !nats)
    ctx.addIssue({ code: 'custom', path: ['NATS_URL'], message: 'cluster mode needs it beside DATABASE_URL' })
}

/** The cluster settings of a node, once NATS_URL and DATABASE_URL are both set. */
export interface ClusterSettings {
  natsServers: string[]
  databaseUrl: string
  nodeId: string
  partitions: number
  leaseMs: number
  streamReplicas: number
  connectTimeoutMs: number
  batchMax: number
}

/** null: embedded mode. `host` names this node when NODE_ID is unset (hostname-pid). */
export function clusterSettings(
  env: ClusterFields,
  host: { hostname: string; pid: number },
): ClusterSettings | null {
  if (env.NATS_URL === undefined || env.DATABASE_URL === undefined) return null
  return {
    natsServers: env.NATS_URL,
    databaseUrl: env.DATABASE_URL,
    nodeId: env.NODE_ID ?? `${host.hostname.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 40)}-${host.pid}`,
    partitions: env.CLUSTER_PARTITIONS,
    leaseMs: env.CLUSTER_LEASE_SEC * 1000,
    streamReplicas: env.CLUSTER_STREAM_REPLICAS,
    connectTimeoutMs: env.CLUSTER_CONNECT_TIMEOUT_MS,
    batchMax: env.CLUSTER_BATCH_MAX,
  }
}
