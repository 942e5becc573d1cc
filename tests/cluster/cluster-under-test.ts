import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JsMsg, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { MqttClient } from 'mqtt'
import pg from 'pg'
import { expect } from 'vitest'
import { TELEMETRY_STREAM } from '../../gateway/cluster/partition.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { type GatewayChild, spawnTestGateway } from '../support/gateway-launcher.ts'
import { type NatsClusterUnderTest, startNatsCluster } from '../support/nats-cluster.ts'
import { type PostgresUnderTest, startPostgres } from '../support/postgres-server.ts'
import {
  connectDevice,
  DEVICES,
  MESSAGES_PER_DEVICE,
  PARTITIONS,
  publishRange,
  referenceTransitions,
  sortRows,
  type TransitionRow,
  writeClusterSite,
} from './cluster-input.ts'
import { idCounts, readFrom } from './jetstream-helpers.ts'

// The servers, node processes and devices of a cluster test, and the checks every test makes.

export interface ClusterNode extends GatewayChild {
  id: string
  /** How often its log said `text` so far (e.g. "publish refused": the stream did not acknowledge it). */
  logged(text: string): number
}

export interface StoredRow extends TransitionRow {
  partition: number
  committed_by: string
}

export class ClusterUnderTest {
  readonly nodes: ClusterNode[] = []
  readonly devices: MqttClient[] = []
  /** Ids (`device:seq`) of every message a device got its PUBACK for. */
  readonly acked = new Set<string>()

  private constructor(
    readonly nats: NatsClusterUnderTest,
    private readonly postgres: PostgresUnderTest,
    readonly databaseUrl: string,
    readonly db: pg.Client,
    readonly nc: NatsConnection,
    private readonly dir: string,
    readonly siteFile: string,
  ) {}

  static async start(): Promise<ClusterUnderTest> {
    const dir = mkdtempSync(join(tmpdir(), 'firewatch-cluster-'))
    const [nats, postgres] = await Promise.all([startNatsCluster(), startPostgres()])
    const url = await postgres.createDatabase()
    const db = new pg.Client({ connectionString: url })
    db.on('error', () => {})
    await db.connect()
    const nc = await connect({ servers: nats.servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    return new ClusterUnderTest(nats, postgres, url, db, nc, dir, writeClusterSite(dir))
  }

  /** A node process; `leaseSec` is its CLUSTER_LEASE_SEC. */
  async startNode(id: string, leaseSec = 2): Promise<ClusterNode> {
    const child = await spawnTestGateway({
      FIREWATCH_SITE: this.siteFile,
      NATS_URL: this.nats.url,
      DATABASE_URL: this.databaseUrl,
      NODE_ID: id,
      CLUSTER_PARTITIONS: String(PARTITIONS),
      CLUSTER_LEASE_SEC: String(leaseSec),
    })
    const chunks: string[] = []
    child.child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk.toString()))
    const logged = (text: string) => chunks.join('').split(text).length - 1
    const node = Object.assign(child, { id, logged })
    this.nodes.push(node)
    return node
  }

  /** Every device logs in, half of them to each node first; each moves on when its node goes away. */
  async connectDevices(): Promise<void> {
    const ports = this.nodes.map((n) => Number(new URL(n.mqttUrl).port))
    for (const [i, d] of DEVICES.entries())
      this.devices.push(await connectDevice(d, i % 2 === 0 ? ports : [...ports].reverse()))
  }

  /** Every device publishes its messages `from`..`to`, the devices at the same time. */
  publish(from: number, to: number): Promise<void> {
    return Promise.all(
      this.devices.map(async (c, i) => {
        for (const id of await publishRange(c, i, from, to)) this.acked.add(id)
      }),
    ).then(() => {})
  }

  async owners(): Promise<{ partition: number; owner: string }[]> {
    return (await this.db.query('SELECT partition, owner FROM fw_partition_lease ORDER BY partition')).rows
  }

  async committedBy(node: string): Promise<number> {
    const { rows } = await this.db.query(
      'SELECT count(*)::int AS n FROM fw_alert_transition WHERE committed_by = $1',
      [node],
    )
    return rows[0].n
  }

  /** The whole stream, once every partition's offset in PostgreSQL is its last message (bounded). */
  async streamOnceCommitted(): Promise<JsMsg[]> {
    await this.nats.metaLeader()
    const messages = await readFrom(jetstream(this.nc), await jetstreamManager(this.nc), TELEMETRY_STREAM, 1)
    const lastOf = new Map<number, number>()
    for (const m of messages) lastOf.set(partitionOfSubject(m.subject), m.seq)
    await waitFor(
      'every partition committed to its last message',
      async () => (await this.db.query('SELECT partition, stream_seq FROM fw_partition_offset')).rows,
      (rows) =>
        [...lastOf].every(([p, seq]) => rows.some((r) => r.partition === p && Number(r.stream_seq) === seq)),
    )
    return messages
  }

  /**
   * The checks of every cluster test: each PUBACKed reading is in the stream exactly once (and
   * nothing else is); the transitions in PostgreSQL are those the alarm path computes in virtual
   * time over the stream (0 missing, 0 extra). Returns the stored rows for more checks.
   */
  async expectExactOutcome(messages: JsMsg[]): Promise<StoredRow[]> {
    expect(this.acked.size).toBe(DEVICES.length * MESSAGES_PER_DEVICE)
    const counts = idCounts(messages)
    expect([...this.acked].filter((id) => counts.get(id) !== 1)).toEqual([])
    expect([...counts.keys()].filter((id) => !this.acked.has(id))).toEqual([])
    expect(messages).toHaveLength(this.acked.size)
    const site = loadSite(this.siteFile, {}, { clock: { now: () => 0 } })
    const expected = sortRows(referenceTransitions(site, messages))
    const stored = (
      await this.db.query(
        'SELECT alert_id, seq, action, at, rule, device, state, committed_by, partition FROM fw_alert_transition',
      )
    ).rows.map((r) => ({ ...r, at: Number(r.at) })) as StoredRow[]
    expect(expected.length).toBeGreaterThan(DEVICES.length * 4)
    expect(sortRows(stored.map(({ committed_by: _, partition: __, ...r }) => r))).toEqual(expected)
    return stored
  }

  async stop(): Promise<void> {
    await Promise.all(this.devices.map((d) => d.endAsync(true).catch(() => {})))
    await Promise.all(this.nodes.map((n) => n.stop()))
    await this.nc.close()
    await this.db.end().catch(() => {})
    await Promise.all([this.nats.stop(), this.postgres.stop()])
    rmSync(this.dir, { recursive: true, force: true })
  }
}

export function partitionOfSubject(subject: string): number {
  return Number(subject.split('.')[2]!.slice(1))
}

/** Polls `read` until `done` says yes (bounded: 60 s), returning the last value read. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
  const deadline = performance.now() + 60_000
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (performance.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after 60 s`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
