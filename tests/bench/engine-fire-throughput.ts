// Engine throughput with the fire-aware rules on, one core, virtual time:
// `npx tsx tests/bench/engine-fire-throughput.ts [readings] [reps]`.
// The same 1,000-device site and ~2,000,000 readings as engine-throughput.ts, with a `fire:`
// section (zones, a shaft, a scheduled window). Every reading goes through engine.reading(); the
// engine's signals go through the fire layer (confirmation, spread, storm grouping, floor offline,
// window tagging) into the real alert lifecycle on SQLite (:memory:); engine.tick and the fire
// layer's tick run at every virtual second of the readings' time. Prints `name value` lines.
import { createAlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { createEngine } from '../../alerting/engine.ts'
import { createFireRules } from '../../alerting/fire/fire-setup.ts'
import type { Reading } from '../../ingest/reading.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { buildSite, generate, T0 } from './engine-readings.ts'
import { medianOfRuns as median } from './median.ts'

const TARGET_READINGS = Number(process.argv[2] ?? 2_000_000)
const REPS = Number(process.argv[3] ?? 5)

const FIRE_YAML = [
  'fire:',
  '  shafts: [{ id: riser-1, building: b0, floors: [1, 11, 21, 31] }]',
  '  windows:',
  '    schedule:',
  '      - { id: pump-test, building: b1, reason: pump test, cron: "*/10 * * * *", durationMin: 5 }',
]

const silent = { info() {}, warn() {}, error() {}, debug() {} }

interface Run {
  ns: number
  alerts: number
  derived: number
  tagged: number
  grouped: number
}

function runOnce(site: SiteModel, readings: Reading[]): Run {
  let now = T0
  const clock = { now: () => now }
  const store = AlertStore.open(':memory:', { synchronous: 'normal' })
  const lifecycle = createAlertLifecycle({ store, site, clock, onTransition: () => {} })
  let engineRef: ReturnType<typeof createEngine> | undefined
  const { fire } = createFireRules({
    site,
    store,
    lifecycle,
    clock,
    log: silent,
    rearmDevice: (d, r) => engineRef?.rearm(d, r),
  })
  const engine = createEngine({ site, clock, emit: (s) => fire.signal(s) })
  engineRef = engine
  let nextTick = T0 + 1000
  const start = process.hrtime.bigint()
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!
    // Virtual time: the clock follows the readings; the per-second ticks happen in between.
    while (r.ts >= nextTick) {
      now = nextTick
      engine.tick(nextTick)
      fire.tick(nextTick)
      nextTick += 1000
    }
    now = r.ts
    engine.reading(r)
  }
  const ns = Number(process.hrtime.bigint() - start)
  const all = lifecycle.list({ states: ['open', 'acknowledged', 'resolved'], limit: 1_000_000 })
  store.close()
  return {
    ns,
    alerts: all.length,
    derived: all.filter((a) => a.scope !== 'device').length,
    tagged: all.filter((a) => a.tags.length > 0).length,
    grouped: all.filter((a) => a.groupedUnder !== null).length,
  }
}

function main(): void {
  const site = buildSite(FIRE_YAML)
  const readings = generate(site, TARGET_READINGS)
  const gc = (globalThis as { gc?: () => void }).gc
  runOnce(site, readings) // warm-up
  const rates: number[] = []
  let last: Run | undefined
  for (let rep = 0; rep < REPS; rep++) {
    gc?.()
    last = runOnce(site, readings)
    rates.push(readings.length / (last.ns / 1e9))
  }
  const span = (readings[readings.length - 1]!.ts - readings[0]!.ts) / 1000
  console.log(`fire_engine.devices ${site.devices.length}`)
  console.log(`fire_engine.readings ${readings.length}`)
  console.log(`fire_engine.virtual_seconds ${Math.round(span)}`)
  console.log(`fire_engine.repetitions ${REPS}`)
  console.log(`fire_engine.readings_per_s ${Math.round(median(rates))}`)
  console.log(`fire_engine.readings_per_s_min ${Math.round(Math.min(...rates))}`)
  console.log(`fire_engine.readings_per_s_max ${Math.round(Math.max(...rates))}`)
  console.log(`fire_engine.ns_per_reading ${(1e9 / median(rates)).toFixed(1)}`)
  console.log(`fire_engine.alerts ${last!.alerts}`)
  console.log(`fire_engine.derived_alerts ${last!.derived}`)
  console.log(`fire_engine.test_tagged ${last!.tagged}`)
  console.log(`fire_engine.grouped ${last!.grouped}`)
}

main()
