import type { MqttClient } from 'mqtt'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { loadSite } from '../../ingest/site/load-site.ts'
import { apiClient } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, TEST_SITE } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

/**
 * Every default rule, end to end: readings over real MQTT into the running gateway, alerts read
 * back over HTTP. Hold times run on the readings' own timestamps, so a scenario spanning minutes
 * is sent in milliseconds with `ts` in the recent past (inside INGEST_MAX_SKEW_MS).
 */
type Step =
  | { at: number; metrics: Record<string, number> }
  | { at: number; event: string }
  | { expect: Record<string, 'open' | 'resolved' | 'none'> }

interface Case {
  name: string
  device: string
  secret: string
  steps: Step[]
}

const SMOKE = { device: 'ta-12-smoke-01', secret: 's3cret-ta-12' }
const PRESSURE = { device: 'ta-20-sprinkler-01', secret: 's3cret-ta-20' }
const PUMP = { device: 'tb-01-pump-01', secret: 's3cret-tb-01' }
const TANK = { device: 'ta-32-tank-01', secret: 's3cret-ta-32' }
const ELEC = { device: 'ta-b1-elec-01', secret: 's3cret-ta-b1' }
const m = (at: number, metrics: Record<string, number>): Step => ({ at, metrics })
const ev = (at: number, event: string): Step => ({ at, event })
const check = (states: Record<string, 'open' | 'resolved' | 'none'>): Step => ({ expect: states })

const cases: Case[] = [
  {
    name: 'smoke.prealarm: raised after 3 samples over 10 s, held between the levels, cleared after 60 s below 50 %',
    ...SMOKE,
    steps: [
      m(0, { smoke_dbm: 0.16 }),
      m(5, { smoke_dbm: 0.17 }),
      check({ 'smoke.prealarm': 'none' }),
      m(10, { smoke_dbm: 0.16 }),
      check({ 'smoke.prealarm': 'open', 'smoke.alarm': 'none' }),
      m(20, { smoke_dbm: 0.14 }),
      m(90, { smoke_dbm: 0.14 }),
      check({ 'smoke.prealarm': 'open' }),
      m(100, { smoke_dbm: 0.1 }),
      m(140, { smoke_dbm: 0.1 }),
      check({ 'smoke.prealarm': 'open' }),
      m(161, { smoke_dbm: 0.1 }),
      check({ 'smoke.prealarm': 'resolved' }),
    ],
  },
  {
    name: 'smoke.alarm: fire after 2 samples over the threshold, latched when the smoke clears',
    ...SMOKE,
    steps: [
      m(0, { smoke_dbm: 0.3 }),
      check({ 'smoke.alarm': 'none' }),
      m(2, { smoke_dbm: 0.31 }),
      check({ 'smoke.alarm': 'open' }),
      m(10, { smoke_dbm: 0.01 }),
      m(200, { smoke_dbm: 0.01 }),
      check({ 'smoke.alarm': 'open' }),
    ],
  },
  {
    name: "device.fire_alarm: the device's own decision raises fire at once and latches through a reset",
    ...SMOKE,
    steps: [
      ev(0, 'fire_alarm'),
      check({ 'device.fire_alarm': 'open' }),
      ev(5, 'reset'),
      check({ 'device.fire_alarm': 'open' }),
    ],
  },
  {
    name: 'pressure.low_warning: below the standby setpoint for 60 s; hysteresis 0.02 MPa',
    ...PRESSURE,
    steps: [
      m(0, { pressure_mpa: 0.14 }),
      m(30, { pressure_mpa: 0.14 }),
      check({ 'pressure.low_warning': 'none' }),
      m(61, { pressure_mpa: 0.14 }),
      check({ 'pressure.low_warning': 'open', 'pressure.low': 'none' }),
      m(70, { pressure_mpa: 0.16 }),
      m(100, { pressure_mpa: 0.16 }),
      check({ 'pressure.low_warning': 'open' }),
      m(110, { pressure_mpa: 0.18 }),
      m(121, { pressure_mpa: 0.18 }),
      check({ 'pressure.low_warning': 'resolved' }),
    ],
  },
  {
    name: 'pressure.low with a per-device threshold override: 30 s below, cleared above the override clear level',
    ...PUMP,
    steps: [
      m(0, { pressure_mpa: 0.19 }),
      m(29, { pressure_mpa: 0.19 }),
      check({ 'pressure.low': 'none' }),
      m(31, { pressure_mpa: 0.19 }),
      check({ 'pressure.low': 'open', 'pressure.low_warning': 'none' }),
      m(40, { pressure_mpa: 0.21 }),
      m(60, { pressure_mpa: 0.21 }),
      check({ 'pressure.low': 'open' }),
      m(70, { pressure_mpa: 0.23 }),
      m(81, { pressure_mpa: 0.23 }),
      check({ 'pressure.low': 'resolved' }),
    ],
  },
  {
    name: 'pressure.high: debounced 3 s against water hammer; hysteresis',
    ...PRESSURE,
    steps: [
      m(0, { pressure_mpa: 1.3 }),
      m(1, { pressure_mpa: 1.3 }),
      check({ 'pressure.high': 'none' }),
      m(4, { pressure_mpa: 1.3 }),
      check({ 'pressure.high': 'open' }),
      m(10, { pressure_mpa: 1.19 }),
      m(30, { pressure_mpa: 1.19 }),
      check({ 'pressure.high': 'open' }),
      m(40, { pressure_mpa: 1.0 }),
      m(51, { pressure_mpa: 1.0 }),
      check({ 'pressure.high': 'resolved' }),
    ],
  },
  {
    name: 'pressure.rapid_drop: a fall over 0.05 MPa within 10 s raises at once',
    ...PRESSURE,
    steps: [
      m(0, { pressure_mpa: 0.4 }),
      m(5, { pressure_mpa: 0.39 }),
      check({ 'pressure.rapid_drop': 'none' }),
      m(8, { pressure_mpa: 0.3 }),
      check({ 'pressure.rapid_drop': 'open' }),
    ],
  },
  {
    name: 'sensor.range: a reading beyond the sensor range is a fault until back in range',
    ...PRESSURE,
    steps: [
      m(0, { pressure_mpa: 3.1 }),
      check({ 'sensor.range': 'open' }),
      m(5, { pressure_mpa: 0.4 }),
      check({ 'sensor.range': 'resolved' }),
    ],
  },
  {
    name: 'level.low_warning and level.low: each confirmed over 60 s against sloshing',
    ...TANK,
    steps: [
      m(0, { level_m: 1.05 }),
      m(30, { level_m: 0.95 }),
      check({ 'level.low_warning': 'none', 'level.low': 'none' }),
      m(61, { level_m: 0.95 }),
      check({ 'level.low_warning': 'open', 'level.low': 'none' }),
      m(91, { level_m: 0.95 }),
      check({ 'level.low_warning': 'open', 'level.low': 'open' }),
    ],
  },
  {
    name: 'level.high: overflow level for 60 s',
    ...TANK,
    steps: [m(0, { level_m: 3.97 }), m(61, { level_m: 3.98 }), check({ 'level.high': 'open' })],
  },
  {
    name: 'residual_current.alarm: 3 samples at or above 300 mA; latched',
    ...ELEC,
    steps: [
      m(0, { residual_current_ma: 310 }),
      m(1, { residual_current_ma: 320 }),
      check({ 'residual_current.alarm': 'none' }),
      m(2, { residual_current_ma: 330 }),
      check({ 'residual_current.alarm': 'open', 'residual_current.warning': 'none' }),
      m(10, { residual_current_ma: 40 }),
      m(200, { residual_current_ma: 40 }),
      check({ 'residual_current.alarm': 'open' }),
    ],
  },
  {
    name: 'residual_current.warning: 240 mA for 10 s; clears below 216 mA after 60 s',
    ...ELEC,
    steps: [
      m(0, { residual_current_ma: 250 }),
      m(5, { residual_current_ma: 250 }),
      m(10, { residual_current_ma: 250 }),
      check({ 'residual_current.warning': 'open' }),
      m(20, { residual_current_ma: 200 }),
      m(81, { residual_current_ma: 200 }),
      check({ 'residual_current.warning': 'resolved' }),
    ],
  },
  {
    name: 'cable_temp.warning and cable_temp.alarm: per channel, 3 samples',
    ...ELEC,
    steps: [
      m(0, { 'temperature_c:l1': 75, 'temperature_c:l2': 35 }),
      m(5, { 'temperature_c:l1': 76, 'temperature_c:l2': 35 }),
      m(10, { 'temperature_c:l1': 77, 'temperature_c:l2': 35 }),
      check({ 'cable_temp.alarm': 'open', 'cable_temp.warning': 'open', 'cable_temp.imbalance': 'open' }),
    ],
  },
  {
    name: 'cable_temp.rise: a rise of 10 °C within 10 minutes',
    ...ELEC,
    steps: [
      m(0, { temperature_c: 30 }),
      m(120, { temperature_c: 35 }),
      check({ 'cable_temp.rise': 'none' }),
      m(240, { temperature_c: 41 }),
      check({ 'cable_temp.rise': 'open' }),
    ],
  },
  {
    name: 'battery.low: below 15 %, cleared at 20 %',
    ...SMOKE,
    steps: [
      m(0, { battery_pct: 12 }),
      check({ 'battery.low': 'open' }),
      m(10, { battery_pct: 18 }),
      check({ 'battery.low': 'open' }),
      m(20, { battery_pct: 90 }),
      check({ 'battery.low': 'resolved' }),
    ],
  },
  {
    name: 'device.fault and device.tamper: raised by events, cleared by fault_cleared and reset',
    ...SMOKE,
    steps: [
      ev(0, 'fault'),
      ev(1, 'tamper'),
      ev(1, 'test'),
      check({ 'device.fault': 'open', 'device.tamper': 'open' }),
      ev(5, 'fault_cleared'),
      check({ 'device.fault': 'resolved', 'device.tamper': 'open' }),
      ev(6, 'reset'),
      check({ 'device.tamper': 'resolved' }),
    ],
  },
]

const testSite = loadSite(TEST_SITE)
let gw: GatewayUnderTest
let device: MqttClient | null = null
const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

beforeEach(async () => {
  gw = await startTestGateway()
})
afterEach(async () => {
  await device?.endAsync(true)
  device = null
  await gw.stop()
})

async function stateOf(deviceId: string, rule: string): Promise<'open' | 'resolved' | 'none'> {
  const { body } = await brigade().get(`/api/v1/alerts?state=all`)
  const alert = (body.alerts as { device: string; rule: string; state: string }[]).find(
    (a) => a.device === deviceId && a.rule === rule,
  )
  if (!alert) return 'none'
  return alert.state === 'resolved' ? 'resolved' : 'open'
}

async function run(c: Case): Promise<void> {
  const building = testSite.device(c.device)!.building
  device = await connectClient(gw.mqttUrl, c.device, c.secret)
  const base = Date.now() - 250_000
  for (const step of c.steps) {
    if ('expect' in step) {
      for (const [rule, state] of Object.entries(step.expect)) {
        expect(`${rule}: ${await stateOf(c.device, rule)}`).toBe(`${rule}: ${state}`)
      }
      continue
    }
    const kind = 'event' in step ? 'event' : 'telemetry'
    const body =
      'event' in step
        ? { ts: base + step.at * 1000, event: step.event }
        : { ts: base + step.at * 1000, metrics: step.metrics }
    // QoS 1: the PUBACK comes after the reading was evaluated and any alert committed.
    await device.publishAsync(`fw/${building}/${c.device}/${kind}`, JSON.stringify(body), { qos: 1 })
  }
}

describe('Default rules over MQTT', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await run(c)
  })

  it('When a person resolves a latched fire while the smoke is still there, then it is raised again', async () => {
    await run({
      name: 'setup',
      ...SMOKE,
      steps: [m(0, { smoke_dbm: 0.4 }), m(1, { smoke_dbm: 0.4 }), check({ 'smoke.alarm': 'open' })],
    })
    const { body } = await brigade().get('/api/v1/alerts')
    const fire = body.alerts.find((a: { rule: string }) => a.rule === 'smoke.alarm')
    expect((await brigade().post(`/api/v1/alerts/${fire.id}/resolve`, { note: 'checked' })).body.state).toBe(
      'resolved',
    )
    const now = Date.now()
    for (const ts of [now - 2000, now - 1000]) {
      await device!.publishAsync(
        'fw/tower-a/ta-12-smoke-01/telemetry',
        JSON.stringify({ ts, metrics: { smoke_dbm: 0.4 } }),
        { qos: 1 },
      )
    }
    const after = await brigade().get('/api/v1/alerts?state=all')
    const fires = after.body.alerts.filter((a: { rule: string }) => a.rule === 'smoke.alarm')
    expect(fires.map((a: { state: string }) => a.state).sort()).toEqual(['open', 'resolved'])
  })
})
