/**
 * How long the readings store holds the event loop: the store alone, in this process, fed the
 * storage benchmark's rate (21,600 readings/s from 400 devices by default) through its sink, while
 * perf_hooks.monitorEventLoopDelay (1 ms resolution) watches the loop. Plain tsx, not part of `npm test`:
 *
 *   npx tsx tests/bench/storage-loop-delay.ts
 *   LOOP_BENCH_STORE=influxdb INFLUX_URL=… npx tsx tests/bench/storage-loop-delay.ts
 *
 * Feeding costs a little loop time of its own (readings are made in 10 ms ticks); `idle` is the
 * same feed into a sink that drops everything, for comparison. Prints p50/p99/max delay in ms.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay, performance } from 'node:perf_hooks'
import pino from 'pino'
import { createGatewayMetrics } from '../../gateway/metrics.ts'
import type { Reading } from '../../ingest/reading.ts'
import { openReadingsStore } from '../../ingest/store/open-readings-store.ts'
import { StorageEnv } from '../../ingest/store/storage-config.ts'

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const RATE = num('LOOP_BENCH_READINGS_PER_S', 21_600)
const SECONDS = num('LOOP_BENCH_SECONDS', 15)
const DEVICES = num('LOOP_BENCH_DEVICES', 400)
const TICK_MS = 10
const METRICS = ['smoke_dbm', 'battery_pct', 'temperature_c'] as const
/** Device time of the first reading; the store's clock runs from it with the monotonic timer. */
const T0 = Date.parse('2026-11-22T10:00:00.000Z')

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-loop-bench-'))
  try {
    const idle = await run({ readingsAccepted: () => {} }, async () => {})
    report('idle (feed only)', idle)
    const metrics = createGatewayMetrics()
    // STORAGE_* variables apply; INFLUX_URL only with LOOP_BENCH_STORE=influxdb.
    const { INFLUX_URL, ...rest } = process.env
    const env = StorageEnv.parse(process.env.LOOP_BENCH_STORE === 'influxdb' ? process.env : rest)
    const store = openReadingsStore(env, {
      dataDir: dir,
      clock: { now: () => T0 + performance.now() },
      log: pino({ level: 'warn' }),
      metrics: metrics.storage,
    })
    const stored = await run(store.sink, () => store.close())
    const count = async (name: string) =>
      (await metrics.registry.getSingleMetric(`firewatch_storage_points_${name}_total`)?.get())?.values[0]
        ?.value
    report(`${store.name} store`, stored)
    console.log(
      `written ${await count('written')} of ${Math.round(RATE * SECONDS)} readings; spooled ${await count('spooled')}`,
    )
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** Feeds the sink for SECONDS and returns the loop delay histogram (close() not included). */
async function run(
  sink: { readingsAccepted(r: readonly Reading[]): void },
  close: () => Promise<void>,
): Promise<{ p50: number; p99: number; max: number; cpuMs: number }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  const cpu = process.cpuUsage()
  const perTick = Math.round((RATE * TICK_MS) / 1000)
  const started = performance.now()
  let n = 0
  histogram.enable()
  for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
    const wait = started + tick * TICK_MS - performance.now()
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait))
    const batch: Reading[] = []
    for (let k = 0; k < perTick; k++, n++) batch.push(reading(n, T0 + tick * TICK_MS))
    sink.readingsAccepted(batch)
  }
  histogram.disable()
  await close()
  const { user, system } = process.cpuUsage(cpu)
  const ms = (ns: number) => Math.round(ns / 1e4) / 100
  return {
    ...{ p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max) },
    cpuMs: Math.round((user + system) / 1000),
  }
}

/** Device ids made once, as the site model holds them; readings made as ingest/decoder.ts makes them. */
const DEVICE_IDS = Array.from({ length: DEVICES }, (_, d) => `bench-a-smoke-${String(d).padStart(4, '0')}`)

function reading(n: number, ts: number): Reading {
  const d = n % DEVICES
  const metric = METRICS[Math.floor(n / DEVICES) % METRICS.length]!
  return {
    device: DEVICE_IDS[d]!,
    building: 'bench-a',
    floor: 1 + (d % 30),
    zone: 'z',
    kind: 'smoke_detector',
    metric,
    family: metric,
    channel: null,
    value: n % 100,
    ts: ts + d,
    receivedAt: ts,
    seq: n,
  }
}

function report(what: string, r: { p50: number; p99: number; max: number; cpuMs: number }): void {
  console.log(
    `${what}: event-loop delay p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms; ` +
      `process CPU ${r.cpuMs} ms (all threads, close included)`,
  )
}

main().catch((err: unknown) => {
  process.stderr.write(`loop-delay bench failed: ${(err as Error).stack ?? err}\n`)
  process.exit(1)
})
