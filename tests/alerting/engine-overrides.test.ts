import { describe, expect, it } from 'vitest'
import type { AlertSignal } from '../../alerting/alert.ts'
import { createEngine } from '../../alerting/engine.ts'
import { parseSite } from '../../ingest/site/load-site.ts'
import { harness, series, siteYaml, T0 } from './engine-harness.ts'

const SMOKE = (id: string, building: string, rules = '') =>
  `\n  - { id: ${id}, building: ${building}, floor: 2, zone: z, kind: smoke_detector, label: L, secret: secret-${id}${rules} }`
const view = (s: { type: string; rule: string; device: string }) => `${s.type} ${s.rule} ${s.device}`

describe('rule overrides', () => {
  it('When site, building and device all override a threshold, then the device wins over the building, and the building over the site', () => {
    const h = harness({
      siteRules: '  smoke.prealarm: { threshold: 0.3, clear: 0.28 }',
      buildingExtra: 'rules: { smoke.prealarm: { threshold: 0.2, clear: 0.18 } }',
      onlyDevices:
        SMOKE('dev-a', 'tower-a', ', rules: { smoke.prealarm: { threshold: 0.17, clear: 0.16 } }') +
        SMOKE('bld-a', 'tower-a') +
        SMOKE('site-b', 'tower-b'),
    })
    for (const d of ['dev-a', 'bld-a', 'site-b']) series(h, d, 'smoke_dbm', 0.18, 0, 10, 5)
    expect(h.take().map(view)).toEqual(['raise smoke.prealarm dev-a'])
    for (const d of ['dev-a', 'bld-a', 'site-b']) series(h, d, 'smoke_dbm', 0.22, 20, 30, 5)
    expect(h.take().map(view)).toEqual(['raise smoke.prealarm bld-a'])
    for (const d of ['dev-a', 'bld-a', 'site-b']) series(h, d, 'smoke_dbm', 0.24, 40, 50, 5)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('site-b', 'smoke.prealarm')).toBe(false)
  })

  it('When a rule is disabled at site level, then it never fires; a device may enable it again', () => {
    const h = harness({
      siteRules: '  smoke.alarm: { enabled: false }',
      onlyDevices:
        SMOKE('plain', 'tower-a') + SMOKE('on', 'tower-a', ', rules: { smoke.alarm: { enabled: true } }'),
    })
    for (const d of ['plain', 'on']) series(h, d, 'smoke_dbm', 0.4, 0, 1, 1)
    expect(h.take().map(view)).toEqual(['raise smoke.alarm on'])
  })

  it('When device.fire_alarm is disabled for a device, then its fire_alarm events raise nothing', () => {
    const h = harness({
      onlyDevices: SMOKE('quiet', 'tower-a', ', rules: { device.fire_alarm: { enabled: false } }'),
    })
    h.event('quiet', 'fire_alarm', 1)
    expect(h.take()).toEqual([])
  })

  it('When a non-latched rule is overridden to latch, then the engine never clears it', () => {
    const h = harness({ buildingExtra: 'rules: { pressure.low: { latch: true } }' })
    series(h, 'press-1', 'pressure_mpa', 0.09, 0, 30, 5)
    expect(h.take().map((s) => `${s.rule} ${s.latched}`)).toEqual(['pressure.low true'])
    series(h, 'press-1', 'pressure_mpa', 0.3, 40, 400, 10)
    expect(h.take().filter((s) => s.rule === 'pressure.low')).toEqual([])
    expect(h.engine.isActive('press-1', 'pressure.low')).toBe(true)
  })

  it('When only the threshold is overridden past the default clear level, then the rule does not flap', () => {
    const h = harness({
      onlyDevices: SMOKE('low', 'tower-a', ', rules: { smoke.prealarm: { threshold: 0.1 } }'),
    })
    series(h, 'low', 'smoke_dbm', 0.11, 0, 200, 5)
    expect(h.take().map(view)).toEqual(['raise smoke.prealarm low'])
    series(h, 'low', 'smoke_dbm', 0.09, 205, 265, 5)
    expect(h.take().map(view)).toEqual(['clear smoke.prealarm low'])
  })

  it('When the site overrides rate and spread rules, then their new delta and window apply', () => {
    const h = harness({
      siteRules:
        '  pressure.rapid_drop: { delta: 0.1, windowSec: 30 }\n  cable_temp.imbalance: { delta: 10, clear: 5 }',
    })
    h.read('press-1', 'pressure_mpa', 0.4, 0)
    h.read('press-1', 'pressure_mpa', 0.32, 5) // 0.08: no longer enough
    h.read('press-1', 'pressure_mpa', 0.29, 25) // 0.11 within 30 s
    for (const t of [0, 10]) {
      h.read('elec-1', 'temperature_c:l1', 52, t)
      h.read('elec-1', 'temperature_c:l2', 40, t)
    }
    // The fall holds 20 s under the level before it: the default sprinkler.flow sees a head flowing.
    expect(h.take().map((s) => `${s.rule} ${s.threshold}`)).toEqual([
      'pressure.rapid_drop 0.1',
      'sprinkler.flow 0.05',
      'cable_temp.imbalance 10',
    ])
  })
})

describe('restore after a restart', () => {
  it('When an active pressure.low is restored, then the engine clears it once the pressure is back', () => {
    const h = harness()
    h.engine.restore('press-1', 'pressure.low')
    expect(h.engine.isActive('press-1', 'pressure.low')).toBe(true)
    series(h, 'press-1', 'pressure_mpa', 0.3, 0, 5, 5)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.3, 10)
    expect(h.take().map(view)).toEqual(['clear pressure.low press-1'])
  })

  it('When a restored rule has several channels, then it clears when the last channel has cleared', () => {
    const h = harness()
    h.engine.restore('elec-1', 'cable_temp.warning')
    for (let t = 0; t <= 60; t += 10) {
      h.read('elec-1', 'temperature_c:l1', 50, t) // cleared at 60 s
      h.read('elec-1', 'temperature_c:l2', 58, t) // between warning and clear level: still raised
    }
    expect(h.take()).toEqual([])
    series(h, 'elec-1', 'temperature_c:l2', 50, 70, 130, 10)
    expect(h.take().map(view)).toEqual(['clear cable_temp.warning elec-1'])
  })

  it('When a latched smoke.alarm is restored, then it stays until rearmed', () => {
    const h = harness()
    h.engine.restore('smoke-1', 'smoke.alarm')
    series(h, 'smoke-1', 'smoke_dbm', 0, 0, 600, 10)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('smoke-1', 'smoke.alarm')).toBe(true)
    h.engine.rearm('smoke-1', 'smoke.alarm')
    expect(h.engine.isActive('smoke-1', 'smoke.alarm')).toBe(false)
  })

  it('When device.fault and device.offline are restored, then fault_cleared and a reading clear them', () => {
    const h = harness()
    h.engine.restore('press-1', 'device.fault')
    h.engine.restore('press-1', 'device.offline')
    h.tick(1000) // already raised: no second raise for press-1
    expect(h.take().filter((s) => s.device === 'press-1')).toEqual([])
    h.event('press-1', 'fault_cleared', 1001)
    expect(h.take().map(view)).toEqual(['clear device.offline press-1', 'clear device.fault press-1'])
  })
})

describe('delivery', () => {
  it('When the receiver throws on a raise, then the error is logged and the raise is retried on later readings', () => {
    let failures = 1
    const errors: object[] = []
    const site = parseSite(siteYaml())
    const signals: AlertSignal[] = []
    const engine = createEngine({
      site,
      clock: { now: () => T0 },
      emit: (s) => {
        if (failures-- > 0) throw new Error('disk full')
        signals.push(s)
      },
      log: { info() {}, warn() {}, debug() {}, error: (o) => errors.push(o) },
    })
    const read = (value: number, sec: number) =>
      engine.reading({
        device: 'smoke-1',
        building: 'tower-a',
        floor: 3,
        zone: '3-east',
        kind: 'smoke_detector',
        metric: 'smoke_dbm',
        family: 'smoke_dbm',
        channel: null,
        value,
        ts: T0 + sec * 1000,
        receivedAt: T0 + sec * 1000,
        seq: null,
      })
    read(0.3, 0)
    read(0.3, 1) // raise not delivered
    expect(errors).toEqual([
      expect.objectContaining({ device: 'smoke-1', rule: 'smoke.alarm', type: 'raise' }),
    ])
    expect(engine.isActive('smoke-1', 'smoke.alarm')).toBe(false)
    read(0.3, 2)
    read(0.3, 3)
    expect(signals.map((s) => s.rule)).toEqual(['smoke.alarm'])
    expect(engine.isActive('smoke-1', 'smoke.alarm')).toBe(true)
  })

  it('When a device sends more than 64 metric names, then the extra names are not evaluated and a warning is logged once', () => {
    const warnings: object[] = []
    const site = parseSite(siteYaml())
    const signals: AlertSignal[] = []
    const engine = createEngine({
      site,
      clock: { now: () => T0 },
      emit: (s) => signals.push(s),
      log: { info() {}, error() {}, debug() {}, warn: (o) => warnings.push(o) },
    })
    const read = (metric: string, value: number, sec: number) =>
      engine.reading({
        device: 'elec-1',
        building: 'tower-a',
        floor: -1,
        zone: 'switch-room',
        kind: 'electrical_monitor',
        metric,
        family: 'residual_current_ma',
        channel: metric.split(':')[1] ?? null,
        value,
        ts: T0 + sec * 1000,
        receivedAt: T0 + sec * 1000,
        seq: null,
      })
    for (let i = 0; i < 64; i++) read(`residual_current_ma:c${i}`, 10, 0)
    for (const t of [1, 2, 3]) read('residual_current_ma:extra', 400, t)
    expect(signals).toEqual([])
    expect(warnings).toHaveLength(1)
    for (const t of [1, 2, 3]) read('residual_current_ma:c0', 400, t)
    // 10 -> 400 mA within a second is also a jump (residual_current.jump, 100 mA within 60 s).
    expect(signals.map((s) => s.rule)).toEqual(['residual_current.jump', 'residual_current.alarm'])
  })
})
