// The bench site and readings shared by the engine benchmarks (engine-throughput.ts and
// engine-fire-throughput.ts): a 1,000-device site of every kind and ~2,000,000 pre-generated
// readings, mostly normal, a few devices crossing thresholds.

import { parseMetricName } from '../../ingest/metrics-catalog.ts'
import type { Reading } from '../../ingest/reading.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { Device, SensorKind } from '../../ingest/site/site-schema.ts'

export const T0 = 1_763_800_000_000
const ROUND_MS = 5_000
/** Share of devices that go through one abnormal episode during the run. */
const EPISODE_SHARE = 0.03

const KINDS: [SensorKind, number][] = [
  ['smoke_detector', 400],
  ['pressure_sensor', 250],
  ['level_sensor', 150],
  ['electrical_monitor', 200],
]

/** `fireYaml`: a `fire:` section (YAML lines) for the fire-aware benchmark. */
export function buildSite(fireYaml: string[] = []): SiteModel {
  const lines = ['site: { name: Bench Estate, timezone: UTC }', 'buildings:']
  for (let b = 0; b < 10; b++) lines.push(`  - { id: b${b}, name: Building ${b}, floors: 40 }`)
  lines.push('devices:')
  let n = 0
  for (const [kind, count] of KINDS) {
    for (let i = 0; i < count; i++, n++) {
      const id = `d${n}-${kind.split('_')[0]}`
      lines.push(
        `  - { id: ${id}, building: b${n % 10}, floor: ${1 + (n % 40)}, zone: z${n % 40}, kind: ${kind}, label: L${n}, secret: secret-${n} }`,
      )
    }
  }
  lines.push(...fireYaml)
  return parseSite(lines.join('\n'), 'bench-site')
}

/** Deterministic PRNG (mulberry32) so every run measures the same readings. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

type Values = (round: number, abnormal: boolean, rnd: () => number) => [string, number][]

const VALUES: Record<SensorKind, Values> = {
  smoke_detector: (round, bad, rnd) => {
    const out: [string, number][] = [['smoke_dbm', bad ? 0.32 : 0.02 + rnd() * 0.03]]
    if (round % 20 === 0) out.push(['battery_pct', bad ? 12 : 80 + rnd() * 10])
    return out
  },
  pressure_sensor: (_round, bad, rnd) => [['pressure_mpa', bad ? 0.08 : 0.32 + rnd() * 0.02]],
  level_sensor: (_round, bad, rnd) => [['level_m', bad ? 0.9 : 2.5 + rnd() * 0.01]],
  electrical_monitor: (_round, bad, rnd) => [
    ['residual_current_ma:main', bad ? 320 : 80 + rnd() * 20],
    ['temperature_c:l1', bad ? 75 : 35 + rnd() * 3],
    ['temperature_c:l2', 35 + rnd() * 3],
    ['temperature_c:l3', 35 + rnd() * 3],
  ],
}

function reading(d: Device, metric: string, value: number, ts: number): Reading {
  const name = parseMetricName(metric)!
  return {
    device: d.id,
    building: d.building,
    floor: d.floor,
    zone: d.zone,
    kind: d.kind,
    metric,
    family: name.family,
    channel: name.channel,
    value,
    ts,
    receivedAt: ts + 3,
    seq: null,
  }
}

export function generate(site: SiteModel, target: number): Reading[] {
  const rnd = prng(42)
  const out: Reading[] = []
  // An episode: 30 rounds (2.5 min) abnormal, at a random point of the run.
  const episodeStart = site.sensors.map(() => (rnd() < EPISODE_SHARE ? Math.floor(rnd() * 1000) : -1))
  for (let round = 0; out.length < target; round++) {
    const ts = T0 + round * ROUND_MS
    site.sensors.forEach((d, i) => {
      const start = episodeStart[i]!
      const bad = start >= 0 && round >= start && round < start + 30
      for (const [metric, value] of VALUES[d.kind](round, bad, rnd)) out.push(reading(d, metric, value, ts))
    })
  }
  out.length = target
  return out
}
