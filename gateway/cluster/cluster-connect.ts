import {
  type JetStreamClient,
  type JetStreamManager,
  jetstream,
  jetstreamManager,
  StorageType,
} from '@nats-io/jetstream'
import { connect, type NatsConnection, nanos } from '@nats-io/transport-node'
import type { ClusterSettings } from './cluster-config.ts'
import { TELEMETRY_STREAM, TELEMETRY_SUBJECTS } from './partition.ts'
import { migrateClusterSchema } from './pg-schema.ts'
import { PgSession } from './pg-session.ts'

/** A start-up failure that names the setting to look at; main.ts exits 78 with its message. */
export class ClusterStartError extends Error {}

export interface NatsParts {
  nc: NatsConnection
  js: JetStreamClient
  jsm: JetStreamManager
}

/** Connected to the JetStream cluster, with the telemetry stream in place. */
export async function connectNats(settings: ClusterSettings): Promise<NatsParts> {
  let nc: NatsConnection
  try {
    // Once connected, a lost server is replaced by another of the list, again and again.
    nc = await connect({
      servers: settings.natsServers,
      timeout: settings.connectTimeoutMs,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
    })
  } catch (err) {
    throw new ClusterStartError(
      `NATS_URL: cannot connect to ${settings.natsServers.join(',')}: ${(err as Error).message}`,
    )
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: settings.connectTimeoutMs })
    await ensureTelemetryStream(jsm, settings.streamReplicas)
    return { nc, js: jetstream(nc, { timeout: settings.connectTimeoutMs }), jsm }
  } catch (err) {
    await nc.close().catch(() => {})
    throw new ClusterStartError(`NATS_URL: JetStream not usable: ${(err as Error).message}`)
  }
}

/**
 * The stream of accepted device messages: replicated, on disk, and a two-minute window in which a
 * message id seen before is stored once (a device's resend after a refused or lost PUBACK).
 * An existing stream is taken as it is: its settings are the operator's from then on.
 */
async function ensureTelemetryStream(jsm: JetStreamManager, replicas: number): Promise<void> {
  const exists = await jsm.streams.info(TELEMETRY_STREAM).then(
    () => true,
    () => false,
  )
  if (exists) return
  await jsm.streams.add({
    name: TELEMETRY_STREAM,
    subjects: [TELEMETRY_SUBJECTS],
    num_replicas: replicas,
    storage: StorageType.File,
    duplicate_window: nanos(120_000),
    // A worker asks any replica for the next message of its partition (stall-watch.ts).
    allow_direct: true,
  })
}

/** The node's PostgreSQL session (the fencing token), with the cluster's tables migrated. */
export async function connectPostgres(settings: ClusterSettings): Promise<PgSession> {
  let session: PgSession
  try {
    session = await PgSession.open(settings.databaseUrl, settings.connectTimeoutMs)
  } catch (err) {
    throw new ClusterStartError(`DATABASE_URL: cannot connect: ${(err as Error).message}`)
  }
  try {
    await session.exclusive((c) => migrateClusterSchema(c))
    return session
  } catch (err) {
    await session.close()
    throw new ClusterStartError(`DATABASE_URL: cannot migrate the cluster tables: ${(err as Error).message}`)
  }
}
