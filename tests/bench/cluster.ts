import os from 'node:os'
import {
  BUILDINGS,
  clusterRun,
  LOAD_PER_BUILDING,
  PARTITIONS,
  type RunOptions,
  type RunResult,
} from './cluster-run.ts'
import { median } from './median.ts'

// npm run bench -- cluster (docs/cluster.md "Figures"): one node and two nodes on three
// nats-server and a PostgreSQL, all on this machine's cores with the load generator; a paced QoS 1
// load (BENCH_CLUSTER_RATE readings/s, default 500) and flat out; the failover time of a SIGKILL of
// one of two nodes under the paced load. Each scenario BENCH_CLUSTER_RUNS times (default 3), fresh
// servers each run; medians printed.

interface Scenario {
  name: string
  opts: RunOptions
}

export async function runClusterBench(say: (line: string) => void): Promise<number> {
  const rate = Number(process.env.BENCH_CLUSTER_RATE ?? 500)
  const runs = Number(process.env.BENCH_CLUSTER_RUNS ?? 3)
  const seconds = Number(process.env.BENCH_CLUSTER_SECONDS ?? 12)
  if (!(rate > 0 && runs >= 1 && runs <= 10 && seconds >= 4 && seconds <= 120)) {
    say('BENCH_CLUSTER_RATE > 0, BENCH_CLUSTER_RUNS 1-10, BENCH_CLUSTER_SECONDS 4-120')
    return 64
  }
  const devices = BUILDINGS * LOAD_PER_BUILDING
  const periodMs = (devices * 1000) / rate
  const scenarios: Scenario[] = [
    { name: `one node, paced ${rate}/s`, opts: { nodes: 1, periodMs, seconds, kill: false } },
    { name: `two nodes, paced ${rate}/s`, opts: { nodes: 2, periodMs, seconds, kill: false } },
    { name: 'one node, flat out', opts: { nodes: 1, periodMs: 0, seconds, kill: false } },
    { name: 'two nodes, flat out', opts: { nodes: 2, periodMs: 0, seconds, kill: false } },
    { name: `two nodes, paced ${rate}/s, SIGKILL node-1`, opts: { nodes: 2, periodMs, seconds, kill: true } },
  ]
  say(
    `bench (cluster): load average ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}; ${os.cpus().length} cores; ` +
      `${devices} load devices in ${BUILDINGS} buildings, ${PARTITIONS} partitions, QoS 1, in-flight 1 per device; ` +
      `fire probes every 250 ms; ${seconds} s per run, ${runs} runs per scenario`,
  )
  const results = new Map<string, RunResult[]>()
  for (let r = 0; r < runs; r++)
    for (const s of scenarios) {
      const res = await clusterRun(s.opts)
      say(`${s.name} (run ${r + 1}, load ${os.loadavg()[0]!.toFixed(2)}): ${JSON.stringify(res)}`)
      results.set(s.name, [...(results.get(s.name) ?? []), res])
    }
  say('')
  say(table(results))
  return 0
}

function table(results: Map<string, RunResult[]>): string {
  const cell = (rs: RunResult[], f: (r: RunResult) => number | null | undefined) => {
    const vs = rs.map(f).filter((v): v is number => typeof v === 'number')
    if (vs.length === 0) return '-'
    return `${Math.round(median(vs)!).toLocaleString('en')} (${vs.map((v) => Math.round(v).toLocaleString('en')).join(', ')})`
  }
  const lines = [
    '| scenario (median (runs)) | readings/s PUBACKed | node CPU ms per 1,000 | fire event to committed transition p50 ms | p99 ms | probes committed | SIGKILL to survivor owns all ms | SIGKILL to its next committed alert ms |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ]
  for (const [name, rs] of results)
    lines.push(
      `| ${name} | ${cell(rs, (r) => r.ackedPerSec)} | ${cell(rs, (r) => r.nodeCpuMsPer1k)} | ${cell(rs, (r) => r.p50)} | ${cell(rs, (r) => r.p99)} | ${rs.map((r) => `${r.probesSeen}/${r.probes}`).join(', ')} | ${cell(rs, (r) => r.ownedAllMs)} | ${cell(rs, (r) => r.nextAlertMs)} |`,
    )
  return lines.join('\n')
}
