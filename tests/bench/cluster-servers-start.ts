/**
 * npx tsx tests/bench/cluster-servers-start.ts [runs]: how long the cluster-mode test servers take
 * (docs/cluster.md "Test servers"). Per run: the three-server NATS cluster until its JetStream meta
 * leader has every peer current, a new R3 stream's leader elected again after a SIGKILL of the old
 * one, and stopping the cluster; PostgreSQL from initdb until a fresh database takes connections,
 * and stopping it. Prints each figure's median, min and max in ms.
 */
import { jetstreamManager } from '@nats-io/jetstream'
import { connect } from '@nats-io/transport-node'
import { startNatsCluster } from '../support/nats-cluster.ts'
import { startPostgres } from '../support/postgres-server.ts'

const runs = Number(process.argv[2] ?? 5)
const figures: Record<string, number[]> = {}

async function timed<T>(name: string, work: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await work()
  const took = performance.now() - started
  figures[name] = figures[name] ?? []
  figures[name].push(took)
  return result
}

async function natsRun(): Promise<void> {
  const cluster = await timed('nats.start_to_meta_leader_ms', startNatsCluster)
  const nc = await connect({ servers: cluster.servers })
  const jsm = await jetstreamManager(nc)
  await jsm.streams.add({ name: 'BENCH', subjects: ['bench.>'], num_replicas: 3 })
  const leader = await timed('nats.r3_stream_leader_ms', () => cluster.streamLeader('BENCH'))
  await nc.close()
  await cluster.kill(leader)
  await timed('nats.new_stream_leader_after_kill_ms', () => cluster.streamLeader('BENCH', { not: leader }))
  await timed('nats.stop_ms', () => cluster.stop())
}

async function postgresRun(): Promise<void> {
  const server = await timed('postgres.initdb_and_start_ms', startPostgres)
  await timed('postgres.create_database_ms', () => server.createDatabase())
  await timed('postgres.stop_ms', () => server.stop())
}

for (let i = 0; i < runs; i++) {
  await natsRun()
  await postgresRun()
}
for (const [name, values] of Object.entries(figures)) {
  const sorted = [...values].sort((a, b) => a - b)
  const median = sorted[Math.floor(sorted.length / 2)]!
  const line = [median, sorted[0]!, sorted.at(-1)!].map((v) => v.toFixed(0).padStart(6)).join(' ')
  console.log(`${name.padEnd(40)} median/min/max ${line}   (${runs} runs)`)
}
