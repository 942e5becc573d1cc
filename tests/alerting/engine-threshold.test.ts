import { describe, expect, it } from 'vitest'
import { at, brief, harness, series } from './engine-harness.ts'

describe('smoke detector thresholds', () => {
  it('When smoke stays above 60 % of the alarm level for 3 samples and 10 s, then smoke.prealarm raises', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.16, 0)
    h.read('smoke-1', 'smoke_dbm', 0.16, 5)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.16, 10)
    expect(h.take().map(brief)).toEqual([
      { type: 'raise', rule: 'smoke.prealarm', metric: 'smoke_dbm', value: 0.16 },
    ])
    expect(h.engine.isActive('smoke-1', 'smoke.prealarm')).toBe(true)
  })

  it('When many samples arrive within less than holdSec, then smoke.prealarm waits for the hold time', () => {
    const h = harness()
    series(h, 'smoke-1', 'smoke_dbm', 0.2, 0, 9, 1)
    expect(h.take().filter((s) => s.rule === 'smoke.prealarm')).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.2, 10)
    expect(h.take().filter((s) => s.rule === 'smoke.prealarm')).toHaveLength(1)
  })

  it('When holdSec has passed but with fewer than `samples` readings, then smoke.prealarm waits for the samples', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.16, 0)
    h.read('smoke-1', 'smoke_dbm', 0.16, 30)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.16, 31)
    expect(h.take().map(brief)).toEqual([
      { type: 'raise', rule: 'smoke.prealarm', metric: 'smoke_dbm', value: 0.16 },
    ])
  })

  it('When one reading dips below the threshold, then the hold starts again', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.16, 0)
    h.read('smoke-1', 'smoke_dbm', 0.16, 5)
    h.read('smoke-1', 'smoke_dbm', 0.14, 7)
    h.read('smoke-1', 'smoke_dbm', 0.16, 10)
    h.read('smoke-1', 'smoke_dbm', 0.16, 15)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.16, 20)
    expect(h.take()).toHaveLength(1)
  })

  it('When a raised pre-alarm falls below `clear` for clearHoldSec, then it clears; between the levels it stays and the clear hold restarts', () => {
    const h = harness()
    series(h, 'smoke-1', 'smoke_dbm', 0.16, 0, 10, 5)
    h.take()
    series(h, 'smoke-1', 'smoke_dbm', 0.13, 15, 100, 5) // below threshold, above clear: stays
    h.read('smoke-1', 'smoke_dbm', 0.12, 105)
    h.read('smoke-1', 'smoke_dbm', 0.12, 150)
    h.read('smoke-1', 'smoke_dbm', 0.13, 160) // back between the levels: the clear hold restarts
    h.read('smoke-1', 'smoke_dbm', 0.1, 170)
    h.read('smoke-1', 'smoke_dbm', 0.1, 229)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('smoke-1', 'smoke.prealarm')).toBe(true)
    h.read('smoke-1', 'smoke_dbm', 0.1, 230)
    expect(h.take().map(brief)).toEqual([
      { type: 'clear', rule: 'smoke.prealarm', metric: 'smoke_dbm', value: 0.1 },
    ])
    expect(h.engine.isActive('smoke-1', 'smoke.prealarm')).toBe(false)
  })

  it('When smoke reaches the alarm level on 2 samples, then smoke.alarm raises as a latched fire alert that never clears', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.3, 0)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.3, 1)
    const [raised] = h.take()
    expect(raised).toMatchObject({
      type: 'raise',
      rule: 'smoke.alarm',
      class: 'fire',
      latched: true,
      threshold: 0.25,
    })
    series(h, 'smoke-1', 'smoke_dbm', 0, 10, 3600, 10)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('smoke-1', 'smoke.alarm')).toBe(true)
  })

  it('When a latched smoke.alarm is rearmed, then it raises again on a new condition', () => {
    const h = harness()
    h.read('smoke-1', 'smoke_dbm', 0.3, 0)
    h.read('smoke-1', 'smoke_dbm', 0.3, 1)
    h.read('smoke-1', 'smoke_dbm', 0.3, 2) // still raised: no second raise
    expect(h.take().filter((s) => s.rule === 'smoke.alarm')).toHaveLength(1)
    h.engine.rearm('smoke-1', 'smoke.alarm')
    expect(h.engine.isActive('smoke-1', 'smoke.alarm')).toBe(false)
    h.read('smoke-1', 'smoke_dbm', 0.3, 3)
    expect(h.take().filter((s) => s.rule === 'smoke.alarm')).toEqual([])
    h.read('smoke-1', 'smoke_dbm', 0.3, 4)
    expect(
      h
        .take()
        .filter((s) => s.rule === 'smoke.alarm')
        .map(brief),
    ).toEqual([{ type: 'raise', rule: 'smoke.alarm', metric: 'smoke_dbm', value: 0.3 }])
  })
})

describe('pressure thresholds', () => {
  it('When pressure stays below the code minimum, then pressure.low raises after 30 s and pressure.low_warning after 60 s', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.09, 0, 25, 5)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.09, 30)
    expect(h.take().map(brief)).toEqual([
      { type: 'raise', rule: 'pressure.low', metric: 'pressure_mpa', value: 0.09 },
    ])
    series(h, 'press-1', 'pressure_mpa', 0.09, 35, 55, 5)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.09, 60)
    expect(h.take().map((s) => s.rule)).toEqual(['pressure.low_warning'])
  })

  it('When pressure recovers, then each rule clears past its own clear level after 10 s', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.09, 0, 60, 5)
    h.take()
    h.read('press-1', 'pressure_mpa', 0.13, 65) // above pressure.low's clear (0.12), below low_warning's (0.17)
    h.read('press-1', 'pressure_mpa', 0.13, 74)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.13, 75)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear pressure.low'])
    h.read('press-1', 'pressure_mpa', 0.18, 80)
    h.read('press-1', 'pressure_mpa', 0.18, 90)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear pressure.low_warning'])
  })

  it('When pressure sits exactly at the code minimum, then pressure.low does not raise (the minimum is met)', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.1, 0, 120, 5)
    expect(h.take().map((s) => s.rule)).toEqual(['pressure.low_warning'])
  })

  it('When pressure exceeds the design pressure on 2 samples over 3 s, then pressure.high raises, and clears below 1.18 after 10 s', () => {
    const h = harness()
    h.read('press-1', 'pressure_mpa', 1.25, 0)
    h.read('press-1', 'pressure_mpa', 1.25, 1) // 2 samples, but only 1 s: water hammer is ignored
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 1.25, 3)
    expect(h.take().map(brief)).toEqual([
      { type: 'raise', rule: 'pressure.high', metric: 'pressure_mpa', value: 1.25 },
    ])
    // (The fall back to normal is also a rapid drop; only pressure.high is looked at here.)
    const high = () => h.take().filter((s) => s.rule === 'pressure.high')
    h.read('press-1', 'pressure_mpa', 1.19, 5)
    h.read('press-1', 'pressure_mpa', 1.1, 10)
    h.read('press-1', 'pressure_mpa', 1.1, 19)
    expect(high()).toEqual([])
    h.read('press-1', 'pressure_mpa', 1.1, 20)
    expect(high().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear pressure.high'])
  })

  it('When a reading is beyond the sensor range, then sensor.range raises at once and clears below 2.4', () => {
    const h = harness()
    h.read('press-1', 'pressure_mpa', 2.6, 0)
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.class}`)).toEqual(['raise sensor.range fault'])
    h.read('press-1', 'pressure_mpa', 2.45, 1)
    expect(h.take().filter((s) => s.rule === 'sensor.range')).toEqual([])
    h.read('press-1', 'pressure_mpa', 1.0, 2)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear sensor.range'])
  })
})

describe('tank level thresholds', () => {
  it('When the level stays low for 60 s, then level.low_warning and level.low raise, and clear past their clear levels', () => {
    const h = harness()
    series(h, 'level-1', 'level_m', 0.95, 0, 55, 5)
    expect(h.take()).toEqual([])
    h.read('level-1', 'level_m', 0.95, 60)
    expect(h.take().map((s) => `${s.rule} ${s.class}`)).toEqual([
      'level.low_warning warning',
      'level.low supervisory',
    ])
    series(h, 'level-1', 'level_m', 1.05, 65, 75, 5)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear level.low'])
    series(h, 'level-1', 'level_m', 1.15, 80, 90, 5)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear level.low_warning'])
  })

  it('When the level reaches overflow for 60 s, then level.high raises; sloshing that dips under it restarts the hold', () => {
    const h = harness()
    series(h, 'level-1', 'level_m', 3.96, 0, 50, 5)
    h.read('level-1', 'level_m', 3.9, 55)
    series(h, 'level-1', 'level_m', 3.96, 60, 115, 5)
    expect(h.take()).toEqual([])
    h.read('level-1', 'level_m', 3.96, 120)
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.threshold}`)).toEqual(['raise level.high 3.95'])
    series(h, 'level-1', 'level_m', 3.94, 125, 200, 5) // inside the 2 cm hysteresis: stays
    h.read('level-1', 'level_m', 3.9, 205)
    expect(h.take()).toEqual([])
    h.read('level-1', 'level_m', 3.9, 215)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear level.high'])
  })
})

describe('electrical monitor thresholds', () => {
  it('When residual current is at the alarm setting for 3 samples, then residual_current.alarm raises latched, and the warning after 10 s', () => {
    const h = harness()
    h.read('elec-1', 'residual_current_ma:main', 300, 0)
    h.read('elec-1', 'residual_current_ma:main', 310, 1)
    expect(h.take()).toEqual([])
    h.read('elec-1', 'residual_current_ma:main', 310, 2)
    expect(h.take().map((s) => `${s.rule} ${s.metric} ${s.latched}`)).toEqual([
      'residual_current.alarm residual_current_ma:main true',
    ])
    series(h, 'elec-1', 'residual_current_ma:main', 310, 3, 10, 1)
    expect(h.take().map((s) => s.rule)).toEqual(['residual_current.warning'])
    series(h, 'elec-1', 'residual_current_ma:main', 100, 11, 200, 10)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear residual_current.warning'])
    expect(h.engine.isActive('elec-1', 'residual_current.alarm')).toBe(true)
  })

  it('When one phase runs hot, then cable_temp.warning and cable_temp.alarm raise for that channel only', () => {
    const h = harness()
    for (const t of [0, 5, 10]) {
      h.read('elec-1', 'temperature_c:l1', 72, t)
      h.read('elec-1', 'temperature_c:l2', 64, t)
    }
    // l2 runs warm (>= 60) but not at the alarm level; spread 8 is no imbalance.
    expect(h.take().map((s) => `${s.rule} ${s.metric}`)).toEqual([
      'cable_temp.warning temperature_c:l1',
      'cable_temp.alarm temperature_c:l1',
      'cable_temp.warning temperature_c:l2',
    ])
    for (let t = 20; t <= 300; t += 10) {
      h.read('elec-1', 'temperature_c:l1', 40, t)
      h.read('elec-1', 'temperature_c:l2', 40, t)
    }
    // The warning clears; the alarm latches (docs/rules.md) and waits for a person.
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.metric}`)).toEqual([
      'clear cable_temp.warning temperature_c:l2',
    ])
    expect(h.engine.isActive('elec-1', 'cable_temp.alarm')).toBe(true)
  })

  it('When readings of two channels interleave, then their samples are not counted together', () => {
    const h = harness()
    h.read('elec-1', 'temperature_c:l1', 62, 0)
    h.read('elec-1', 'temperature_c:l2', 62, 5)
    h.read('elec-1', 'temperature_c:l1', 62, 10)
    h.read('elec-1', 'temperature_c:l2', 62, 15)
    expect(h.take()).toEqual([])
    h.read('elec-1', 'temperature_c:l1', 62, 20)
    expect(h.take().map((s) => `${s.rule} ${s.metric}`)).toEqual(['cable_temp.warning temperature_c:l1'])
  })

  it('When two channels raised the same rule, then the alert clears only when the last of them clears', () => {
    const h = harness()
    series(h, 'elec-1', 'temperature_c:l1', 62, 0, 10, 5)
    series(h, 'elec-1', 'temperature_c:l2', 63, 20, 30, 5)
    expect(h.take().map((s) => `${s.type} ${s.metric}`)).toEqual([
      'raise temperature_c:l1',
      'raise temperature_c:l2',
    ])
    series(h, 'elec-1', 'temperature_c:l1', 50, 40, 120, 10)
    expect(h.take()).toEqual([])
    expect(h.engine.isActive('elec-1', 'cable_temp.warning')).toBe(true)
    series(h, 'elec-1', 'temperature_c:l2', 50, 130, 190, 10)
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.metric}`)).toEqual([
      'clear cable_temp.warning temperature_c:l2',
    ])
    expect(h.engine.isActive('elec-1', 'cable_temp.warning')).toBe(false)
  })
})

describe('battery threshold', () => {
  it('When battery_pct falls under 15 %, then battery.low raises at once; it stays up to 20 % and clears above it', () => {
    const h = harness()
    h.read('smoke-1', 'battery_pct', 15, 0)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'battery_pct', 14, 60)
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.class} ${s.value} ${s.threshold}`)).toEqual([
      'raise battery.low fault 14 15',
    ])
    h.read('smoke-1', 'battery_pct', 20, 120)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'battery_pct', 21, 180)
    const [cleared] = h.take()
    expect(cleared).toMatchObject({ type: 'clear', rule: 'battery.low', value: 21, at: at(180) })
  })
})
