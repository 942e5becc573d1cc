/**
 * Storage benchmark: sustained end-to-end readings/s into InfluxDB through the gateway, and the
 * fire-alarm-to-alert p99 meanwhile. Plain tsx, not part of `npm test`:
 *
 *   npx tsx tests/bench/storage-throughput.ts
 *   STORAGE_BENCH_RATE=9000 STORAGE_BENCH_SECONDS=30 npx tsx tests/bench/storage-throughput.ts
 *
 * InfluxDB is chosen as in the storage tests (INFLUX_URL, testcontainers, Debian's influxd). The
 * gateway and the load generator (simulators/load/load-cli.ts, QoS 1) run as processes of their
 * own. readings/s = readings InfluxDB confirmed (firewatch_storage_points_written_total) from the
 * start of publishing until the gateway holds nothing more in memory or spool, over that time.
 * Prints `storage.readings_per_s`, `storage.alert_p50_ms`, `storage.alert_p99_ms` and
 * `storage.loop_delay_max_ms` (the gateway's event-loop delay while publishing) last.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import type { LoadSummary } from '../../simulators/load/load-summary.ts'
import { type InfluxUnderTest, startInflux } from '../support/influx-server.ts'
import { BENCH_TOKEN, writeBenchSite } from './bench-site.ts'
import { gatewayCounters, healthy } from './broker-targets.ts'
import { ChildGroup, freePort, type Spawned } from './child-processes.ts'
import { cpuMs } from './proc-stats.ts'

const ROOT = resolve(import.meta.dirname, '../..')
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const config = {
  /** Telemetry messages/s; the bench site's mix carries 2.7 readings per message on average. */
  rate: num('STORAGE_BENCH_RATE', 8000),
  seconds: num('STORAGE_BENCH_SECONDS', 20),
  devices: num('STORAGE_BENCH_DEVICES', 400),
  alertRate: num('STORAGE_BENCH_ALERT_RATE', 10),
  /** `sqlite`: the embedded store instead (its inserts run in a worker thread). */
  store: process.env.STORAGE_BENCH_STORE === 'sqlite' ? 'sqlite' : 'influxdb',
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-storage-bench-'))
  const group = new ChildGroup(dir)
  let influx: InfluxUnderTest | null = null
  let ok = false
  try {
    if (config.store === 'influxdb') influx = await startInflux()
    log(`store: ${influx ? `${influx.kind} ${influx.target.url} (${influx.target.api})` : 'sqlite'}`)
    log(JSON.stringify(config))
    const siteFile = writeBenchSite(dir, 1000)
    const gateway = await startGateway(group, dir, siteFile, influx?.env ?? {})
    const result = await measure(group, gateway, siteFile)
    if (influx) {
      const stored = await influx.query('SELECT count("value") FROM /.*/')
      const points = stored.reduce((n, s) => n + Number(s.values[0]?.[1] ?? 0), 0)
      // Fewer when the generator gave one device's metric the same ts twice (same series and time).
      log(`InfluxDB holds ${points} distinct points; the gateway counted ${result.written} written`)
    }
    console.log(`storage.readings_per_s ${Math.round(result.readingsPerSec)}`)
    console.log(`storage.alert_p50_ms ${result.alertP50Ms}`)
    console.log(`storage.alert_p99_ms ${result.alertP99Ms}`)
    console.log(`storage.loop_delay_max_ms ${result.loopMaxMs}`)
    ok = true
  } finally {
    await group.stopAll()
    await influx?.stop()
    if (ok) rmSync(dir, { recursive: true, force: true })
    else log(`logs kept in ${dir}`)
  }
}

interface Gateway {
  process: Spawned
  http: string
  mqtt: string
}

async function startGateway(
  group: ChildGroup,
  dir: string,
  siteFile: string,
  influxEnv: Record<string, string>,
): Promise<Gateway> {
  const [mqttPort, httpPort] = [await freePort(), await freePort()]
  const env = {
    ...process.env,
    ...influxEnv,
    ...{ MQTT_PORT: String(mqttPort), HTTP_PORT: String(httpPort), BIND_HOST: '127.0.0.1' },
    ...{ DATA_DIR: join(dir, 'gateway-data'), FIREWATCH_SITE: siteFile, LOG_LEVEL: 'warn' },
  }
  // e.g. STORAGE_BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof' (profiles of every thread at exit)
  const nodeArgs = process.env.STORAGE_BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const p = group.spawn('gateway', process.execPath, [...nodeArgs, '--import', 'tsx', 'gateway/main.ts'], {
    cwd: ROOT,
    env,
  })
  const http = `http://127.0.0.1:${httpPort}`
  const deadline = performance.now() + 60_000
  while (!(await healthy(http, 1000))) {
    if (!p.alive() || performance.now() > deadline) throw new Error(`the gateway did not start:\n${p.tail()}`)
    await sleep(200)
  }
  return { process: p, http, mqtt: `mqtt://127.0.0.1:${mqttPort}` }
}

async function measure(group: ChildGroup, gateway: Gateway, siteFile: string) {
  const args = [
    ...['--import', 'tsx', 'simulators/load/load-cli.ts', '--url', gateway.mqtt, '--site', siteFile],
    ...['--devices', String(config.devices), '--rate', String(config.rate)],
    ...['--duration', String(config.seconds), '--qos', '1', '--drain', '30'],
    ...['--alert-rate', String(config.alertRate), '--alert-devices', '10'],
    ...['--token', `${BENCH_TOKEN.name}:${BENCH_TOKEN.token}`],
  ]
  const load = group.spawn('load', process.execPath, args, { cwd: ROOT })
  const limitMs = (config.seconds + 120) * 1000
  await load.waitForLine(/"phase":"publishing"/, limitMs)
  const t0 = performance.now()
  const cpu0 = gatewayCpu(gateway)
  const written0 = await counter(gateway, 'firewatch_storage_points_written_total')
  const summary = JSON.parse(await load.waitForLine(/^\{"url"/, limitMs)) as LoadSummary
  await load.exited
  // prom-client's loop-delay histogram (10 ms resolution) restarts at every scrape: this one covers
  // the publishing window, from the scrape at its start.
  const loop = await gatewayCounters(gateway.http, BENCH_TOKEN.token)
  const settled = await settle(gateway, 60_000)
  const cpu1 = gatewayCpu(gateway)
  const run = {
    summary,
    loop,
    seconds: (settled.at - t0) / 1000,
    readings: settled.written - written0,
    cpu: { all: cpu1.all - cpu0.all, main: cpu1.main - cpu0.main },
  }
  const loopMaxMs = await report(gateway, run)
  return {
    written: settled.written,
    readingsPerSec: run.readings / run.seconds,
    alertP50Ms: summary.latencyMs.p50,
    alertP99Ms: summary.latencyMs.p99,
    loopMaxMs,
  }
}

interface Run {
  summary: LoadSummary
  loop: Map<string, number>
  seconds: number
  readings: number
  cpu: { all: number; main: number }
}

/** Logs what the run did; returns the gateway's longest event-loop delay while publishing, in ms. */
async function report(gateway: Gateway, run: Run): Promise<number> {
  const { summary, cpu } = run
  const counters = await gatewayCounters(gateway.http, BENCH_TOKEN.token)
  const pick = (name: string) => counters.get(`firewatch_storage_${name}`) ?? 0
  const lagMs = (name: string) =>
    Math.round((run.loop.get(`firewatch_process_nodejs_eventloop_lag_${name}_seconds`) ?? 0) * 1000)
  log(
    `load: sent ${summary.sent} messages at ${summary.rate}/s, acked ${summary.acked}, errors ${summary.errors}; ` +
      `alerts ${summary.alerts}, latency ms ${JSON.stringify(summary.latencyMs)}`,
  )
  log(
    `gateway: accepted ${counters.get('firewatch_readings_accepted_total')} readings, written ${pick('points_written_total')}, ` +
      `spooled ${pick('points_spooled_total')}, dropped ${pick('points_dropped_total')}, ` +
      `write p-batches ${counters.get('firewatch_storage_write_seconds_count')}; settled ${run.seconds.toFixed(1)} s after publishing began`,
  )
  log(
    `gateway CPU from publishing to settled: ${(cpu.all / 1000).toFixed(1)} s, main thread ${(cpu.main / 1000).toFixed(1)} s; ` +
      `${((cpu.all * 1000) / Math.max(1, run.readings)).toFixed(1)} ms per 1,000 readings`,
  )
  log(
    `gateway event-loop delay while publishing: p50 ${lagMs('p50')} ms, p99 ${lagMs('p99')} ms, max ${lagMs('max')} ms`,
  )
  // Spooled under load: the store fell behind or failed; its log says which.
  if (pick('points_spooled_total') > 0) log(`gateway log (tail):\n${gateway.process.tail()}`)
  return lagMs('max')
}

/** CPU ms of the gateway process (all threads) and of its main thread (tid = pid). */
function gatewayCpu(gateway: Gateway): { all: number; main: number } {
  const pid = gateway.process.pid
  return { all: cpuMs(pid) ?? 0, main: cpuMs(pid, pid) ?? 0 }
}

/** Waits until the gateway holds no reading in memory or spool (everything is in InfluxDB). */
async function settle(gateway: Gateway, timeoutMs: number): Promise<{ at: number; written: number }> {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const counters = await gatewayCounters(gateway.http, BENCH_TOKEN.token)
    const queued = counters.get('firewatch_storage_queue_points') ?? 1
    const spool = counters.get('firewatch_storage_spool_bytes') ?? 1
    if (queued === 0 && spool === 0) {
      return { at: performance.now(), written: counters.get('firewatch_storage_points_written_total') ?? 0 }
    }
    if (performance.now() > deadline)
      throw new Error(`storage did not settle: ${queued} queued, ${spool} spool bytes`)
    await sleep(50)
  }
}

async function counter(gateway: Gateway, name: string): Promise<number> {
  return (await gatewayCounters(gateway.http, BENCH_TOKEN.token)).get(name) ?? 0
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

function log(message: string): void {
  process.stderr.write(`${message}\n`)
}

main().catch((err: unknown) => {
  process.stderr.write(`storage bench failed: ${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
