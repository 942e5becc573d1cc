// Virtual-time replay throughput on one core: `npx tsx tests/bench/replay-throughput.ts [hours] [reps]`.
// A 1,000-device site (tests/simulators/fixtures/fleet-site.ts) is played by the device models for
// `hours` of scenario time (default 6, ~1.3 M readings) with a few incidents; the payloads are
// generated once, then replayed several times, each time into fresh real modules:
//   replay.readings_per_s         Buffer -> Decoder (JSON + zod) -> IngestPipeline -> engine -> lifecycle,
//                                 with engine.tick every virtual second (the virtual runner's path)
//   replay.engine_readings_per_s  the same readings, already decoded, into engine.reading only
//   replay.scenario_readings_per_s  runScenarioVirtual end to end, device models included
// Prints `name value` lines (medians) for a runner to parse.

import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createAlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { createEngine } from '../../alerting/engine.ts'
import { Decoder } from '../../ingest/decoder.ts'
import { IngestPipeline } from '../../ingest/ingest-pipeline.ts'
import type { DeviceEvent, DeviceStatus, Reading } from '../../ingest/reading.ts'
import type { Device } from '../../ingest/site/site-schema.ts'
import { ManualClock } from '../../simulators/runner/manual-clock.ts'
import { ScenarioPlayer } from '../../simulators/runner/scenario-player.ts'
import { runScenarioVirtual } from '../../simulators/runner/virtual-runner.ts'
import { scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'
import type { LoadedScenario } from '../../simulators/scenario/scenario-types.ts'
import { writeFleetSite } from '../simulators/fixtures/fleet-site.ts'
import { medianOfRuns as median } from './median.ts'

const HOURS = Number(process.argv[2] ?? 6)
const REPS = Number(process.argv[3] ?? 5)
const DECODER = { maxPayloadBytes: 16_384, maxSkewMs: 300_000 }

interface Packet {
  t: number
  device: Device
  kind: 'telemetry' | 'event' | 'status'
  payload: Buffer
}

function fleetScenario(dir: string): LoadedScenario {
  return scenarioFromObject(
    {
      name: 'replay-bench',
      site: writeFleetSite(dir, 1000),
      duration: `${HOURS}h`,
      background: 'all',
      timeline: [
        { at: '1h', device: 'fleet-a-smoke-0000', do: 'flame' },
        { at: '2h', device: 'fleet-b-press-0007', do: 'burst' },
        { at: '3h', device: 'fleet-b-elec-0009', do: 'leakage', to: 400, over: '20m' },
      ],
    },
    'replay-bench',
    dir,
  )
}

/** The payload stream, generated once so that the models' own cost is not measured. */
function generate(scenario: LoadedScenario): Packet[] {
  const player = new ScenarioPlayer(scenario, scenario.start)
  const out: Packet[] = []
  const add = (m: ReturnType<ScenarioPlayer['start']>[number]) => {
    if (m.type === 'telemetry' || m.type === 'event' || m.type === 'status') {
      out.push({ t: m.t, device: m.device, kind: m.type, payload: Buffer.from(m.payload) })
    }
  }
  for (const m of player.start()) add(m)
  for (let b = player.next(); b !== null; b = player.next()) for (const m of b.messages) add(m)
  return out
}

function fullPath(scenario: LoadedScenario, packets: readonly Packet[]): { ns: number; readings: number } {
  const origin = scenario.start
  const clock = new ManualClock(origin)
  const store = AlertStore.open(':memory:', { synchronous: 'normal' })
  const lifecycle = createAlertLifecycle({ store, site: scenario.site, clock, onTransition: () => {} })
  const engine = createEngine({ site: scenario.site, clock, emit: (s) => lifecycle.apply(s) })
  let readings = 0
  const pipeline = new IngestPipeline(
    new Decoder(DECODER),
    [
      {
        readingsAccepted: (rs) => {
          for (const r of rs) engine.reading(r)
          readings += rs.length
        },
        eventAccepted: (e) => engine.event(e),
        statusChanged: (s) => engine.status(s),
      },
    ],
    () => {},
  )
  let tick = 0
  const start = process.hrtime.bigint()
  for (const p of packets) {
    for (; tick + 1000 <= p.t; tick += 1000) engine.tick(origin + tick + 1000)
    clock.advanceTo(origin + p.t)
    pipeline.handle(p.device, p.kind, p.payload, origin + p.t)
  }
  const ns = Number(process.hrtime.bigint() - start)
  store.close()
  return { ns, readings }
}

type Decoded = { readings: Reading[]; events: DeviceEvent[]; statuses: DeviceStatus[] }

function decodeAll(scenario: LoadedScenario, packets: readonly Packet[]): Reading[] {
  const out: Decoded = { readings: [], events: [], statuses: [] }
  const pipeline = new IngestPipeline(
    new Decoder(DECODER),
    [{ readingsAccepted: (rs) => void out.readings.push(...rs) }],
    () => {},
  )
  for (const p of packets) pipeline.handle(p.device, p.kind, p.payload, scenario.start + p.t)
  return out.readings
}

function enginePath(scenario: LoadedScenario, readings: readonly Reading[]): number {
  let signals = 0
  const engine = createEngine({
    site: scenario.site,
    clock: { now: () => scenario.start },
    emit: () => void signals++,
  })
  const start = process.hrtime.bigint()
  for (let i = 0; i < readings.length; i++) engine.reading(readings[i]!)
  return Number(process.hrtime.bigint() - start)
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'fw-replay-bench-'))
  try {
    const scenario = fleetScenario(dir)
    const packets = generate(scenario)
    const decoded = decodeAll(scenario, packets)
    const gc = (globalThis as { gc?: () => void }).gc
    fullPath(scenario, packets) // warm-up
    enginePath(scenario, decoded)
    const full: number[] = []
    const engine: number[] = []
    let readings = 0
    for (let rep = 0; rep < REPS; rep++) {
      gc?.()
      const r = fullPath(scenario, packets)
      readings = r.readings
      full.push(r.readings / (r.ns / 1e9))
      gc?.()
      engine.push(decoded.length / (enginePath(scenario, decoded) / 1e9))
    }
    const whole: number[] = []
    for (let rep = 0; rep < Math.max(1, Math.min(3, REPS)); rep++) {
      const r = await runScenarioVirtual(scenario)
      whole.push(r.readings / (r.durationMs / 1000))
    }
    console.log(`replay.devices ${scenario.site.devices.length}`)
    console.log(`replay.scenario_hours ${HOURS}`)
    console.log(`replay.messages ${packets.length}`)
    console.log(`replay.readings ${readings}`)
    console.log(`replay.repetitions ${REPS}`)
    console.log(`replay.readings_per_s ${Math.round(median(full))}`)
    console.log(`replay.readings_per_s_min ${Math.round(Math.min(...full))}`)
    console.log(`replay.readings_per_s_max ${Math.round(Math.max(...full))}`)
    console.log(`replay.messages_per_s ${Math.round((median(full) * packets.length) / readings)}`)
    console.log(`replay.engine_readings_per_s ${Math.round(median(engine))}`)
    console.log(`replay.scenario_readings_per_s ${Math.round(median(whole))}`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

await main()
