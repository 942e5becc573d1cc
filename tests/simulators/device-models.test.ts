import { describe, expect, it } from 'vitest'
import { Decoder } from '../../ingest/decoder.ts'
import type { SimMessage } from '../../simulators/models/sim-device.ts'
import { ScenarioPlayer } from '../../simulators/runner/scenario-player.ts'
import { scenarioFromObject } from '../../simulators/scenario/load-scenario.ts'

const ORIGIN = 1_767_600_000_000

const site = {
  site: { name: 'Models', timezone: 'UTC' },
  buildings: [{ id: 'b1', name: 'B1', floors: 10 }],
  devices: [
    {
      id: 'smoke-1',
      building: 'b1',
      floor: 1,
      zone: 'z1',
      kind: 'smoke_detector',
      label: 'S',
      secret: 'secret-1',
    },
    {
      id: 'press-1',
      building: 'b1',
      floor: 1,
      zone: 'z1',
      kind: 'pressure_sensor',
      label: 'P',
      secret: 'secret-2',
    },
    {
      id: 'level-1',
      building: 'b1',
      floor: 10,
      zone: 'roof',
      kind: 'level_sensor',
      label: 'L',
      secret: 'secret-3',
    },
    {
      id: 'elec-1',
      building: 'b1',
      floor: 1,
      zone: 'z1',
      kind: 'electrical_monitor',
      label: 'E',
      secret: 'secret-4',
    },
  ],
}

/** Every kind with its behaviours, so that a determinism check covers all the models. */
function scenario(seed: number, extra: object = {}) {
  return scenarioFromObject({
    name: 'models',
    site,
    duration: '2h',
    seed,
    devices: [
      { id: 'smoke-1', params: { batteryPerDay: 300 } },
      { id: 'press-1' },
      { id: 'level-1' },
      { id: 'elec-1' },
    ],
    timeline: [
      { at: '10m', device: 'smoke-1', do: 'smoulder', to: 0.5, over: '10m' },
      { at: '30m', device: 'smoke-1', do: 'extinguish', over: '5m' },
      { at: '50m', device: 'smoke-1', do: 'remove' },
      { at: '55m', device: 'smoke-1', do: 'refit' },
      { at: '10m', device: 'press-1', do: 'discharge', to: 0.1, for: '5m' },
      { at: '40m', device: 'press-1', do: 'pump_start' },
      { at: '45m', device: 'press-1', do: 'pump_stop' },
      { at: '10m', device: 'level-1', do: 'drain', rate: 2, to: 1 },
      { at: '1h', device: 'level-1', do: 'fill', rate: 2, to: 2.5 },
      { at: '10m', device: 'elec-1', do: 'load', to: 1.1, over: '20m' },
      { at: '20m', device: 'elec-1', do: 'imbalance', phase: 'l3', share: 0.9 },
      { at: '30m', device: 'elec-1', do: 'leakage', to: 400, over: '10m' },
      { at: '70m', device: 'elec-1', do: 'ct_open' },
      { at: '80m', device: 'elec-1', do: 'repair' },
      { at: '90m', device: 'elec-1', do: 'disconnect', for: '5m' },
      { at: '100m', device: 'level-1', do: 'spike', metric: 'level_m', to: 5, for: '20s' },
    ],
    ...extra,
  })
}

function play(seed: number, extra: object = {}): SimMessage[] {
  const player = new ScenarioPlayer(scenario(seed, extra), ORIGIN)
  const out = player.start()
  for (let b = player.next(); b !== null; b = player.next()) out.push(...b.messages)
  return out
}

const stream = (ms: SimMessage[]) =>
  ms.map((m) => `${m.t} ${m.type} ${m.device.id} ${'payload' in m ? m.payload : ''}`)
const telemetry = (ms: SimMessage[], id: string) =>
  ms
    .filter(
      (m): m is Extract<SimMessage, { type: 'telemetry' }> => m.type === 'telemetry' && m.device.id === id,
    )
    .map((m) => ({
      t: m.t,
      ...(JSON.parse(m.payload) as { ts: number; seq: number; metrics: Record<string, number> }),
    }))
const events = (ms: SimMessage[], id: string) =>
  ms
    .filter((m) => m.type === 'event' && m.device.id === id)
    .map((m) => JSON.parse((m as { payload: string }).payload).event)

describe('device models', () => {
  it('When a scenario is played twice with the same seed, then the payload streams are identical', () => {
    const a = stream(play(7))
    expect(a.length).toBeGreaterThan(1000)
    expect(stream(play(7))).toEqual(a)
  })

  it('When the seed changes, then the values change but not the shape of the stream', () => {
    const a = play(7)
    const b = play(8)
    expect(stream(b)).not.toEqual(stream(a))
    expect(new Set(b.map((m) => m.type))).toEqual(new Set(a.map((m) => m.type)))
  })

  it('When every payload goes through the real decoder, then all are accepted with ts = origin + t and seq counting up', () => {
    const decoder = new Decoder({ maxPayloadBytes: 16_384, maxSkewMs: 300_000 })
    const s = scenario(3)
    const byId = new Map(s.site.devices.map((d) => [d.id, d]))
    const lastSeq = new Map<string, number>()
    for (const m of play(3)) {
      const device = byId.get(m.device.id)!
      const at = ORIGIN + m.t
      if (m.type === 'telemetry') {
        const d = decoder.telemetry(device, Buffer.from(m.payload), at)
        expect(d.problems).toEqual([])
        expect(d.value!.length).toBe(m.readings)
        expect(d.value!.every((r) => r.ts === at)).toBe(true)
        const seq = d.value![0]!.seq!
        expect(seq).toBe((lastSeq.get(device.id) ?? 0) + 1)
        lastSeq.set(device.id, seq)
      } else if (m.type === 'event') {
        expect(decoder.event(device, Buffer.from(m.payload), at).problems).toEqual([])
      } else if (m.type === 'status') {
        expect(decoder.status(device, Buffer.from(m.payload), at).problems).toEqual([])
      }
    }
  })

  it('When nothing happens, then a device reports at its heartbeat, and at its active cadence while busy', () => {
    const smoke = telemetry(play(5), 'smoke-1')
    const gaps = smoke.slice(1).map((r, i) => r.t - smoke[i]!.t)
    const quiet = gaps.slice(0, 8)
    expect(quiet.every((g) => g >= 58_800 && g <= 61_200)).toBe(true)
    const during = smoke.filter((r) => r.t > 12 * 60_000 && r.t < 28 * 60_000)
    expect(during.length).toBeGreaterThan(150)
  })

  it('When a fire smoulders past its alarm setting, then the detector sends its own fire_alarm once and smoke fades after extinguish', () => {
    const ms = play(5)
    const smoke = telemetry(ms, 'smoke-1')
    const peak = Math.max(...smoke.map((r) => r.metrics.smoke_dbm!))
    expect(peak).toBeGreaterThan(0.4)
    expect(events(ms, 'smoke-1').filter((e) => e === 'fire_alarm')).toHaveLength(1)
    const after = smoke.filter((r) => r.t > 45 * 60_000 && r.t < 50 * 60_000)
    expect(Math.max(...after.map((r) => r.metrics.smoke_dbm!))).toBeLessThan(0.06)
    expect(events(ms, 'smoke-1')).toEqual(['fire_alarm', 'tamper', 'fault', 'reset'])
  })

  it('When the battery decays past 15 %, then battery_pct falls and one battery_low event is sent', () => {
    const ms = play(5)
    const battery = telemetry(ms, 'smoke-1').map((r) => r.metrics.battery_pct!)
    expect(battery[0]).toBeGreaterThan(90)
    expect(battery.at(-1)).toBeLessThan(75)
    const s = play(5, {
      devices: [
        { id: 'smoke-1', params: { battery: 16, batteryPerDay: 48 } },
        { id: 'press-1' },
        { id: 'level-1' },
        { id: 'elec-1' },
      ],
    })
    expect(events(s, 'smoke-1').filter((e) => e === 'battery_low')).toHaveLength(1)
  })

  it('When the jockey pump keeps a system up, then pressure saw-tooths within its band; a discharge and a pump start leave it', () => {
    const quiet = telemetry(play(11, { duration: '24h', timeline: [] }), 'press-1').map(
      (r) => r.metrics.pressure_mpa!,
    )
    expect(Math.min(...quiet)).toBeGreaterThan(0.32)
    expect(Math.max(...quiet)).toBeLessThan(0.41)
    const rises = quiet.slice(1).filter((p, i) => p - quiet[i]! > 0.02).length
    expect(rises).toBeGreaterThan(3)
    const busy = telemetry(play(11), 'press-1')
    const inDischarge = busy
      .filter((r) => r.t > 11 * 60_000 && r.t < 15 * 60_000)
      .map((r) => r.metrics.pressure_mpa!)
    expect(Math.max(...inDischarge)).toBeLessThan(0.11)
    const pumping = busy
      .filter((r) => r.t >= 40 * 60_000 && r.t < 45 * 60_000)
      .map((r) => r.metrics.pressure_mpa!)
    expect(Math.max(...pumping)).toBeGreaterThan(1.3)
    expect(pumping.at(-1)).toBeGreaterThan(0.85)
  })

  it('When a tank drains and refills, then the level falls at the rate to its target and rises back to the fill level', () => {
    const level = telemetry(play(2), 'level-1')
    const at = (min: number) => level.find((r) => r.t >= min * 60_000)!.metrics.level_m!
    expect(at(10)).toBeCloseTo(2.6, 1)
    expect(at(25)).toBeCloseTo(2.6 - 0.5, 1)
    expect(at(59)).toBeCloseTo(1, 1)
    expect(at(90)).toBeCloseTo(2, 1)
    expect(at(110)).toBeCloseTo(2.5, 1)
    expect(Math.max(...level.map((r) => r.metrics.level_m!))).toBe(5)
  })

  it('When load rises and one phase is overloaded, then that phase runs hottest; leakage grows and an open CT reads 0', () => {
    const ms = play(4)
    const elec = telemetry(ms, 'elec-1')
    const at = (min: number) => elec.find((r) => r.t >= min * 60_000)!.metrics
    expect(at(9)['temperature_c:l1']!).toBeLessThan(40)
    expect(at(60)['temperature_c:l3']!).toBeGreaterThan(at(60)['temperature_c:l1']! + 20)
    expect(at(25)['residual_current_ma:main']!).toBeLessThan(110)
    expect(at(45)['residual_current_ma:main']!).toBeGreaterThan(380)
    expect(at(75)['residual_current_ma:main']).toBe(0)
    expect(events(ms, 'elec-1')).toEqual(['fault', 'fault_cleared'])
    const gap = elec.filter((r) => r.t > 89 * 60_000 && r.t < 96 * 60_000)
    expect(gap.every((r) => r.t < 90 * 60_000 || r.t >= 95 * 60_000)).toBe(true)
    expect(ms.filter((m) => m.device.id === 'elec-1' && m.type === 'disconnect')).toHaveLength(1)
    expect(ms.filter((m) => m.device.id === 'elec-1' && m.type === 'connect')).toHaveLength(2)
  })
})
