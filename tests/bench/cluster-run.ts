import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import pg from 'pg'
import { partitionOf } from '../../gateway/cluster/partition.ts'
import { spread } from '../../simulators/load/percentiles.ts'
import { type GatewayChild, spawnTestGateway } from '../support/gateway-launcher.ts'
import { startNatsCluster } from '../support/nats-cluster.ts'
import { startPostgres } from '../support/postgres-server.ts'
import {
  AckCounter,
  type BenchDevice,
  connectAll,
  paceReadings,
  writeClusterBenchSite,
} from './cluster-load.ts'
import { FireProbe } from './cluster-probe.ts'
import { cpuMs } from './proc-stats.ts'

// One run of the cluster bench (docs/cluster.md "Figures"): fresh servers (three nats-server, a
// PostgreSQL), one or two node processes, a paced QoS 1 load plus fire probes; optionally a
// SIGKILL of node-1 a third of the way in. Fresh servers each run, so that no run inherits another's
// stream (a takeover replays its partition from the stream's start) or latched probe alerts.

export const BUILDINGS = 16
export const LOAD_PER_BUILDING = 10
export const PARTITIONS = 16
const PROBE_EVERY_MS = 250

export interface RunOptions {
  nodes: 1 | 2
  /** Each load device's reading period; 0: flat out (the next as soon as the PUBACK came). */
  periodMs: number
  seconds: number
  kill: boolean
}

export interface RunResult {
  ackedPerSec: number
  /** CPU of the node processes (user + system) per 1,000 PUBACKed readings, over the whole run; not in the SIGKILL run. */
  nodeCpuMsPer1k?: number
  probes: number
  probesSeen: number
  p50: number | null
  p99: number | null
  /** SIGKILL to the survivor owning every partition, and to its first committed probe alert in the dead node's partitions. */
  ownedAllMs?: number
  nextAlertMs?: number
}

export async function clusterRun(opts: RunOptions): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-cluster-bench-'))
  const probeCount = Math.ceil((opts.seconds * 1000) / PROBE_EVERY_MS)
  const site = writeClusterBenchSite(dir, BUILDINGS, LOAD_PER_BUILDING, Math.ceil(probeCount / BUILDINGS))
  const [nats, postgres] = await Promise.all([startNatsCluster(), startPostgres()])
  const nodes: GatewayChild[] = []
  const clients: MqttClient[] = []
  const databaseUrl = await postgres.createDatabase()
  const db = new pg.Client({ connectionString: databaseUrl })
  db.on('error', () => {})
  try {
    await db.connect()
    for (let i = 1; i <= opts.nodes; i++)
      nodes.push(
        await spawnTestGateway({
          FIREWATCH_SITE: site.file,
          NATS_URL: nats.url,
          DATABASE_URL: databaseUrl,
          NODE_ID: `node-${i}`,
          CLUSTER_PARTITIONS: String(PARTITIONS),
          CLUSTER_LEASE_SEC: '10',
          LOG_LEVEL: 'info',
          MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE: '600',
        }),
      )
    await waitOwners(
      db,
      (rows) => rows.length === PARTITIONS && new Set(rows.map((r) => r.owner)).size === opts.nodes,
    )
    const ports = nodes.map((n) => Number(new URL(n.mqttUrl).port))
    const load = await connectAll(site.load, ports)
    const probeOrder = interleave(site.probes, BUILDINGS).slice(0, probeCount)
    const probeClients = await connectAll(probeOrder, ports)
    clients.push(...load, ...probeClients)
    return await drive(opts, db, nodes, site.load, load, probeOrder, probeClients)
  } finally {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})))
    await Promise.all(nodes.map((n) => n.stop()))
    await db.end().catch(() => {})
    await Promise.all([nats.stop(), postgres.stop()])
    rmSync(dir, { recursive: true, force: true })
  }
}

async function drive(
  opts: RunOptions,
  db: pg.Client,
  nodes: GatewayChild[],
  loadDevices: BenchDevice[],
  load: MqttClient[],
  probeOrder: BenchDevice[],
  probeClients: MqttClient[],
): Promise<RunResult> {
  const probe = new FireProbe(db)
  const acks = new AckCounter()
  const nodeCpu = () => nodes.reduce((sum, n) => sum + (cpuMs(n.child.pid!) ?? 0), 0)
  const cpuBefore = nodeCpu()
  const start = performance.now()
  const until = start + opts.seconds * 1000
  const readings = paceReadings(load, loadDevices, opts.periodMs, until, acks)
  const probing = (async () => {
    for (let i = 0; i < probeOrder.length && performance.now() < until; i++) {
      void probe.fire(probeClients[i]!, probeOrder[i]!)
      await new Promise((r) => setTimeout(r, PROBE_EVERY_MS))
    }
  })()
  const failover = opts.kill ? killNodeOne(db, nodes, start + opts.seconds * 333) : undefined
  await Promise.all([readings, probing])
  // After the probes' rows are in: the workers have caught up with the stream, their CPU included.
  await probe.stop(20_000)
  const cpuUsed = nodeCpu() - cpuBefore
  const killed = await failover
  const latencies = probe.samples.filter((s) => s.seenAt !== null).map((s) => s.seenAt! - s.sentAt)
  const { p50, p99 } = spread(latencies)
  const result: RunResult = {
    ackedPerSec: Math.round(acks.ratePerSec(start + 1000, until)),
    probes: probe.samples.length,
    probesSeen: latencies.length,
    p50,
    p99,
  }
  if (!opts.kill) result.nodeCpuMsPer1k = Math.round((cpuUsed / acks.at.length) * 10_000) / 10
  if (killed) {
    result.ownedAllMs = Math.round(killed.ownedAllAt - killed.killedAt)
    const firsts = probe.samples
      .filter((s) => s.committedBy === 'node-2' && killed.partitions.has(partitionOf(s.building, PARTITIONS)))
      .filter((s) => s.seenAt! > killed.killedAt)
      .map((s) => s.seenAt! - killed.killedAt)
    if (firsts.length > 0) result.nextAlertMs = Math.round(Math.min(...firsts))
  }
  return result
}

async function killNodeOne(
  db: pg.Client,
  nodes: GatewayChild[],
  at: number,
): Promise<{ killedAt: number; ownedAllAt: number; partitions: Set<number> }> {
  await new Promise((r) => setTimeout(r, Math.max(0, at - performance.now())))
  const before = await owners(db)
  const partitions = new Set(before.filter((r) => r.owner === 'node-1').map((r) => r.partition))
  const killedAt = performance.now()
  await nodes[0]!.kill9()
  await waitOwners(db, (rows) => rows.length === PARTITIONS && rows.every((r) => r.owner === 'node-2'), 20)
  return { killedAt, ownedAllAt: performance.now(), partitions }
}

interface Owner {
  partition: number
  owner: string
}

async function owners(db: pg.Client): Promise<Owner[]> {
  return (await db.query('SELECT partition, owner FROM fw_partition_lease ORDER BY partition')).rows
}

/** Polls the lease table until `done` (bounded: 60 s). */
async function waitOwners(db: pg.Client, done: (rows: Owner[]) => boolean, everyMs = 100): Promise<void> {
  const deadline = performance.now() + 60_000
  while (!done(await owners(db))) {
    if (performance.now() > deadline) throw new Error('partitions not owned as expected after 60 s')
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** Probe devices building after building: probe k of every building, then k + 1. */
function interleave(probes: BenchDevice[], buildings: number): BenchDevice[] {
  const per = probes.length / buildings
  const out: BenchDevice[] = []
  for (let k = 0; k < per; k++) for (let b = 0; b < buildings; b++) out.push(probes[b * per + k]!)
  return out
}
