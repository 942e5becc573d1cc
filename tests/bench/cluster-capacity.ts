/**
 * npx tsx tests/bench/cluster-capacity.ts: the capacity model of cluster mode (docs/cluster.md
 * "Capacity"). Measures, on this machine, one partition's alarm path per core, JetStream R3
 * confirmed publishes/s and PostgreSQL batch commits/s of the worker's transaction, then sizes
 * deployments from 10^3 to 10^6 devices and checks the partition balance of the real partitioner.
 * Each measurement is bounded in time (CAPACITY_SECONDS, default 5).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import { partitionOf } from '../../gateway/cluster/partition.ts'
import {
  measureAlarmPath,
  measureJetStream,
  measurePostgres,
  writeCapacitySite,
} from './cluster-capacity-costs.ts'

const say = (line: string) => process.stdout.write(`${line}\n`)
const fmt = (n: number) => Math.round(n).toLocaleString('en')

/** The stated load of the model: each device reports every READING_INTERVAL_SEC; DEVICES_PER_BUILDING. */
const READING_INTERVAL_SEC = 60
const DEVICES_PER_BUILDING = 250
/** A node runs at most this share of its cores in normal operation: the rest is headroom for a failover (N+1 on top). */
const TARGET_UTILISATION = 0.5
const CORES_PER_NODE = 4
/**
 * A node's CPU per message, all in (MQTT front end, the stream publish and its acknowledgement, the
 * worker's consumer, alarm path and commits): measured by `npm run bench -- cluster` (the node
 * processes' CPU per 1,000 PUBACKed readings, one node paced at 500/s: a worker that keeps up
 * commits once per message, the dearest regime; 180-274 flat out, where batches grow; docs/cluster.md "Figures").
 * CAPACITY_NODE_CPU_MS_PER_1K overrides it.
 */
const NODE_CPU_MS_PER_1K = Number(process.env.CAPACITY_NODE_CPU_MS_PER_1K ?? 688)

async function main(): Promise<void> {
  const seconds = Number(process.env.CAPACITY_SECONDS ?? 5)
  say(
    `capacity: ${os.cpus().length} cores (${os.cpus()[0]?.model}), load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  )
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-capacity-'))
  let alarm: ReturnType<typeof measureAlarmPath>
  try {
    // One partition's share of 500,000 devices over 32 partitions: 63 buildings of 250.
    alarm = measureAlarmPath(
      writeCapacitySite(dir, 63, DEVICES_PER_BUILDING),
      READING_INTERVAL_SEC,
      1000,
      seconds * 1000,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
  say(
    `alarm path, one partition of ${fmt(alarm.devices)} devices: ${fmt(alarm.messages)} messages (${alarm.transitions} transitions) in ${fmt(alarm.cpuMs)} ms CPU = ${fmt(alarm.messagesPerCoreSec)} messages/s per core`,
  )
  const js = await measureJetStream(seconds, 256)
  say(
    `JetStream R3 (three servers on this machine), 256 in flight, ${js.bytes}-byte messages: ${fmt(js.perSec)} confirmed publishes/s`,
  )
  const pgSerial = await measurePostgres(seconds, 1, 0)
  const pgConcurrent = await measurePostgres(seconds, 16, 0)
  const pgWithRow = await measurePostgres(seconds, 16, 1)
  say(
    `PostgreSQL, offset-only batch commit: ${fmt(pgSerial.perSec)}/s on one session, ${fmt(pgConcurrent.perSec)}/s on 16; with one transition row: ${fmt(pgWithRow.perSec)}/s on 16`,
  )
  say('')
  say(sizing(alarm.messagesPerCoreSec, js.perSec, pgConcurrent.perSec))
  say('')
  say(balance())
}

interface Size {
  devices: number
  buildings: number
}

const SIZES: Size[] = [1e3, 1e4, 1e5, 5e5, 1e6].map((devices) => ({
  devices,
  buildings: Math.max(4, devices / DEVICES_PER_BUILDING),
}))

/**
 * Nodes: the node's measured CPU per message at TARGET_UTILISATION of CORES_PER_NODE, plus one for
 * a failover, at least two. Partitions: the smallest of 32/64/128/256 whose busiest partition
 * stays under half a core's alarm path. Stream and PostgreSQL: the CPU of this machine that the
 * measured rates cost (three NATS servers and their client on two cores; PostgreSQL with 16
 * sessions): a production server has cores of its own. The slice's worker commits once per batch
 * and a batch ends when its partition has nothing pending, so a worker that keeps up commits once
 * per message: PostgreSQL transactions/s equal messages/s (batches grow only when it lags).
 */
function sizing(alarmPerCore: number, streamPerSec: number, pgPerSec: number): string {
  const lines = [
    `model: one reading message per device every ${READING_INTERVAL_SEC} s, ${DEVICES_PER_BUILDING} devices per building, a node's CPU ${NODE_CPU_MS_PER_1K} ms per 1,000 messages, nodes of ${CORES_PER_NODE} cores at most ${TARGET_UTILISATION * 100} % busy, plus one node for a failover`,
    '',
    '| devices | buildings | messages/s | node cores | nodes | partitions | busiest partition: share of a core (alarm path) | stream: share of measured R3 rate (cores here) | PG transactions/s (one per message) | share of measured PG rate (cores here) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  const cores = os.cpus().length
  for (const { devices, buildings } of SIZES) {
    const rate = devices / READING_INTERVAL_SEC
    const nodeCores = (rate * NODE_CPU_MS_PER_1K) / 1_000_000
    const nodes = Math.max(2, Math.ceil(nodeCores / (CORES_PER_NODE * TARGET_UTILISATION)) + 1)
    const choice = [32, 64, 128, 256].map((p) => ({ p, busiest: busiestShare(buildings, p) * rate }))
    const chosen = choice.find((c) => c.busiest / alarmPerCore < 0.5) ?? choice[choice.length - 1]!
    const share = (x: number, of: number) =>
      `${((x / of) * 100).toFixed(0)} % (${((x / of) * cores).toFixed(2)})`
    lines.push(
      `| ${fmt(devices)} | ${fmt(buildings)} | ${fmt(rate)} | ${nodeCores.toFixed(2)} | ${nodes} | ${chosen.p} | ${((chosen.busiest / alarmPerCore) * 100).toFixed(2)} % | ${share(rate, streamPerSec)} | ${fmt(rate)} | ${share(rate, pgPerSec)} |`,
    )
  }
  return lines.join('\n')
}

/** The share of all buildings that the busiest of `partitions` gets (equal-sized buildings). */
function busiestShare(buildings: number, partitions: number): number {
  const counts = countsOf(buildings, partitions)
  return Math.max(...counts) / buildings
}

function countsOf(buildings: number, partitions: number): number[] {
  const counts = new Array<number>(partitions).fill(0)
  for (let b = 0; b < buildings; b++) counts[partitionOf(`b-${String(b).padStart(5, '0')}`, partitions)]!++
  return counts
}

function balance(): string {
  const lines = [
    'partition balance, FNV-1a (gateway/cluster/partition.ts) over 2,000 building ids b-00000..b-01999:',
    '',
    '| partitions | mean buildings | min | max | max / mean | empty |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const p of [32, 64, 128]) {
    const counts = countsOf(2000, p)
    const mean = 2000 / p
    lines.push(
      `| ${p} | ${mean.toFixed(1)} | ${Math.min(...counts)} | ${Math.max(...counts)} | ${(Math.max(...counts) / mean).toFixed(2)} | ${counts.filter((c) => c === 0).length} |`,
    )
  }
  return lines.join('\n')
}

await main()
