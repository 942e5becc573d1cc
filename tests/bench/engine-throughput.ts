// Rule-engine throughput on one core: `npx tsx tests/bench/engine-throughput.ts [readings] [reps]`.
// Builds a 1,000-device site of every kind, pre-generates ~2,000,000 readings (mostly normal, a
// few devices crossing thresholds), then times engine.reading() over all of them, several times,
// each time on a fresh engine. Prints `name value` lines for a runner to parse.
import type { AlertSignal } from '../../alerting/alert.ts'
import { createEngine } from '../../alerting/engine.ts'
import type { Reading } from '../../ingest/reading.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { buildSite, generate, T0 } from './engine-readings.ts'
import { medianOfRuns as median } from './median.ts'

const TARGET_READINGS = Number(process.argv[2] ?? 2_000_000)
const REPS = Number(process.argv[3] ?? 7)

function runOnce(site: SiteModel, readings: Reading[]): { ns: number; signals: number; tickNs: number } {
  let signals = 0
  const engine = createEngine({ site, clock: { now: () => T0 }, emit: (_s: AlertSignal) => void signals++ })
  const start = process.hrtime.bigint()
  for (let i = 0; i < readings.length; i++) engine.reading(readings[i]!)
  const ns = Number(process.hrtime.bigint() - start)
  const last = readings[readings.length - 1]!.ts
  const tickStart = process.hrtime.bigint()
  for (let i = 1; i <= 100; i++) engine.tick(last + i * 1000)
  const tickNs = Number(process.hrtime.bigint() - tickStart) / 100
  return { ns, signals, tickNs }
}

function main(): void {
  const site = buildSite()
  const readings = generate(site, TARGET_READINGS)
  const gc = (globalThis as { gc?: () => void }).gc
  runOnce(site, readings) // warm-up: lets the JIT optimise before anything is measured
  const rates: number[] = []
  const ticks: number[] = []
  let signals = 0
  for (let rep = 0; rep < REPS; rep++) {
    gc?.()
    const r = runOnce(site, readings)
    rates.push(readings.length / (r.ns / 1e9))
    ticks.push(r.tickNs)
    signals = r.signals
  }
  console.log(`engine.devices ${site.devices.length}`)
  console.log(`engine.readings ${readings.length}`)
  console.log(`engine.repetitions ${REPS}`)
  console.log(`engine.readings_per_s ${Math.round(median(rates))}`)
  console.log(`engine.readings_per_s_min ${Math.round(Math.min(...rates))}`)
  console.log(`engine.readings_per_s_max ${Math.round(Math.max(...rates))}`)
  console.log(`engine.ns_per_reading ${(1e9 / median(rates)).toFixed(1)}`)
  console.log(`engine.signals_emitted ${signals}`)
  console.log(`engine.tick_us ${(median(ticks) / 1000).toFixed(1)}`)
}

main()
