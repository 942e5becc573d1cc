import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type JetStreamManager, jetstream, jetstreamManager } from '@nats-io/jetstream'
import { connect, type NatsConnection } from '@nats-io/transport-node'
import type { MqttClient } from 'mqtt'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { partitionOf, TELEMETRY_STREAM } from '../../gateway/cluster/partition.ts'
import { loadSite } from '../../ingest/load-site.ts'
import { type GatewayChild, spawnTestGateway } from '../support/gateway-launcher.ts'
import { type NatsClusterUnderTest, startNatsCluster } from '../support/nats-cluster.ts'
import { type PostgresUnderTest, startPostgres } from '../support/postgres-server.ts'
import {
  BUILDINGS,
  connectDevice,
  DEVICES,
  PARTITIONS,
  publishRange,
  referenceTransitions,
  sortRows,
  type TransitionRow,
  writeClusterSite,
} from './cluster-input.ts'
import { idCounts, readFrom } from './jetstream-helpers.ts'

// Cluster mode end to end (docs/cluster.md "Running cluster mode"): two Firewatch node processes
// on a three-server JetStream cluster and a PostgreSQL, devices publishing QoS 1 through both,
// one node SIGKILLed mid-stream.

const MESSAGES_PER_DEVICE = 40
// In a low-battery phase (messages 10 to 12 of each ten): those alerts are active at the kill.
const BEFORE_KILL = 11

describe('Cluster mode, two nodes', () => {
  let nats: NatsClusterUnderTest
  let postgres: PostgresUnderTest
  let db: pg.Client
  let nc: NatsConnection
  let jsm: JetStreamManager
  let dir: string
  let siteFile: string
  const nodes: GatewayChild[] = []
  const devices: MqttClient[] = []

  const startNode = async (nodeId: string, databaseUrl: string) => {
    const node = await spawnTestGateway({
      FIREWATCH_SITE: siteFile,
      NATS_URL: nats.url,
      DATABASE_URL: databaseUrl,
      NODE_ID: nodeId,
      CLUSTER_PARTITIONS: String(PARTITIONS),
      CLUSTER_LEASE_SEC: '2',
    })
    nodes.push(node)
    return node
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'firewatch-cluster-'))
    siteFile = writeClusterSite(dir)
    ;[nats, postgres] = await Promise.all([startNatsCluster(), startPostgres()])
    const url = await postgres.createDatabase()
    db = new pg.Client({ connectionString: url })
    db.on('error', () => {})
    await db.connect()
    nc = await connect({ servers: nats.servers, maxReconnectAttempts: -1, reconnectTimeWait: 100 })
    jsm = await jetstreamManager(nc, { timeout: 5_000 })
    await startNode('node-1', url)
    await startNode('node-2', url)
  }, 60_000)

  afterAll(async () => {
    await Promise.all(devices.map((d) => d.endAsync(true).catch(() => {})))
    await Promise.all(nodes.map((n) => n.stop()))
    await nc?.close()
    await db?.end().catch(() => {})
    await Promise.all([nats?.stop(), postgres?.stop()])
    rmSync(dir, { recursive: true, force: true })
  })

  /** Polls `read` until `done` says yes (bounded: 60 s), returning the last value read. */
  async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean): Promise<T> {
    const deadline = performance.now() + 60_000
    for (;;) {
      const value = await read()
      if (done(value)) return value
      if (performance.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after 60 s`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }

  const owners = async () =>
    (await db.query('SELECT partition, owner FROM fw_partition_lease ORDER BY partition')).rows as {
      partition: number
      owner: string
    }[]

  it("When a node is SIGKILLed mid-stream, then every PUBACKed reading is in the stream once and the alert transitions in PostgreSQL are exactly the alarm path's", async () => {
    // The buildings spread over several partitions, so that both nodes have work.
    expect(new Set(BUILDINGS.map((b) => partitionOf(b, PARTITIONS))).size).toBeGreaterThanOrEqual(3)
    const shared = await waitFor(
      'both nodes own partitions',
      owners,
      (rows) => rows.length === PARTITIONS && new Set(rows.map((r) => r.owner)).size === 2,
    )
    const [first, second] = nodes as [GatewayChild, GatewayChild]
    const ports = nodes.map((n) => Number(new URL(n.mqttUrl).port))
    // Half the devices log in to each node first; each moves to the other when its node dies.
    for (const [i, d] of DEVICES.entries())
      devices.push(await connectDevice(d, i % 2 === 0 ? ports : [...ports].reverse()))
    const acked = new Set<string>()
    const publish = (from: number, to: number) =>
      Promise.all(
        devices.map(async (c, i) => {
          for (const id of await publishRange(c, i, from, to)) acked.add(id)
        }),
      )
    await publish(1, BEFORE_KILL)
    // node-1 has committed transitions of its partitions before it dies.
    const node1Partitions = shared.filter((r) => r.owner === 'node-1').map((r) => r.partition)
    await waitFor(
      'node-1 committed',
      async () =>
        (await db.query("SELECT count(*)::int AS n FROM fw_alert_transition WHERE committed_by = 'node-1'"))
          .rows[0].n,
      (n) => n > 0,
    )
    const rest = publish(BEFORE_KILL + 1, MESSAGES_PER_DEVICE)
    const killedAt = performance.now()
    await first.kill9()
    await rest
    expect(acked.size).toBe(DEVICES.length * MESSAGES_PER_DEVICE)

    // The survivor owns every partition and has committed each one up to its last message.
    await waitFor(
      'node-2 owns every partition',
      owners,
      (rows) => rows.length === PARTITIONS && rows.every((r) => r.owner === 'node-2'),
    )
    const messages = await readFrom(jetstream(nc), jsm, TELEMETRY_STREAM, 1)
    const lastOf = new Map<number, number>()
    for (const m of messages) lastOf.set(Number(m.subject.split('.')[2]!.slice(1)), m.seq)
    await waitFor(
      'every partition committed to its last message',
      async () => (await db.query('SELECT partition, stream_seq FROM fw_partition_offset')).rows,
      (rows) =>
        [...lastOf].every(([p, seq]) => rows.some((r) => r.partition === p && Number(r.stream_seq) === seq)),
    )
    console.log(
      `failover: node-2 had committed every partition ${Math.round(performance.now() - killedAt)} ms after the SIGKILL of node-1 (publishing included)`,
    )

    // Every PUBACKed reading is in the stream exactly once, and nothing else is.
    const counts = idCounts(messages)
    expect([...acked].filter((id) => counts.get(id) !== 1)).toEqual([])
    expect([...counts.keys()].filter((id) => !acked.has(id))).toEqual([])
    expect(messages).toHaveLength(acked.size)

    // The transitions in PostgreSQL are those the alarm path makes of the same input: 0 missing, 0 extra.
    const site = loadSite(siteFile, {}, { clock: { now: () => 0 } })
    const expected = sortRows(referenceTransitions(site, messages))
    const stored = (
      await db.query(
        'SELECT alert_id, seq, action, at, rule, device, state, committed_by, partition FROM fw_alert_transition',
      )
    ).rows.map((r) => ({ ...r, at: Number(r.at) }))
    const rows: TransitionRow[] = sortRows(stored.map(({ committed_by: _, partition: __, ...r }) => r))
    expect(expected.length).toBeGreaterThan(DEVICES.length * 4)
    console.log(
      JSON.stringify(stored.map((r) => [r.partition, r.committed_by, r.action, r.rule, r.device, r.seq])),
    )
    expect(rows).toEqual(expected)
    // node-2 took over mid-stream: it committed transitions in partitions that node-1 had owned.
    const takenOver = stored.filter((r) => node1Partitions.includes(r.partition))
    expect(takenOver.some((r) => r.committed_by === 'node-1')).toBe(true)
    expect(takenOver.some((r) => r.committed_by === 'node-2')).toBe(true)
    await second.stop()
  }, 180_000)
})
