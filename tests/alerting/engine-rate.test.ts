import { describe, expect, it } from 'vitest'
import { at, brief, harness, series } from './engine-harness.ts'

const only = (rule: string) => (s: { rule: string }) => s.rule === rule

describe('pressure.rapid_drop', () => {
  it('When pressure falls by more than 0.05 MPa within 10 s, then pressure.rapid_drop raises at once', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.35, 0, 8, 1)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.29, 9)
    const [raised, ...rest] = h.take()
    expect(rest).toEqual([])
    expect(raised).toMatchObject({
      type: 'raise',
      rule: 'pressure.rapid_drop',
      class: 'supervisory',
      metric: 'pressure_mpa',
      value: 0.29,
      threshold: 0.05,
      at: at(9),
    })
  })

  it('When pressure falls by exactly 0.05 MPa or slowly, then nothing raises', () => {
    const h = harness()
    h.read('press-1', 'pressure_mpa', 0.4, 0)
    h.read('press-1', 'pressure_mpa', 0.35, 5)
    h.read('press-1', 'pressure_mpa', 0.35, 20)
    // 0.01 MPa every 3 s: 0.1 in 30 s, never more than 0.04 within 10.6 s.
    for (let i = 1; i <= 10; i++) h.read('press-1', 'pressure_mpa', 0.35 - 0.01 * i, 20 + 3 * i)
    expect(h.take()).toEqual([])
  })

  it('When the drop is spread over more than the window, then it is not a rapid drop', () => {
    const h = harness()
    h.read('press-1', 'pressure_mpa', 0.35, 0)
    h.read('press-1', 'pressure_mpa', 0.29, 12)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.35, 20)
    h.read('press-1', 'pressure_mpa', 0.29, 30)
    expect(h.take().map((s) => s.rule)).toEqual(['pressure.rapid_drop'])
  })

  it('When a device reports ten times a second, then a steady fall of 0.06 MPa in 8 s is still seen', () => {
    const h = harness()
    for (let i = 0; i < 200; i++) h.read('press-1', 'pressure_mpa', 0.35, i / 10)
    for (let i = 0; i <= 80; i++) h.read('press-1', 'pressure_mpa', 0.35 - 0.00075 * i, 20 + i / 10)
    const raised = h.take()
    expect(raised.map((s) => s.rule)).toEqual(['pressure.rapid_drop'])
    // Raised on the first reading more than 0.05 below the 0.35 level, not later.
    expect(raised[0]!.value).toBeLessThan(0.3)
    expect(raised[0]!.value).toBeGreaterThan(0.299)
  })

  it('When pressure stays down after the drop, then the alert stays; once it is back near its old level for 60 s, it clears', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.35, 0, 8, 1)
    h.read('press-1', 'pressure_mpa', 0.29, 9)
    h.take()
    series(h, 'press-1', 'pressure_mpa', 0.29, 10, 200, 5)
    // Held 20 s under the level before the fall: a head flowing (sprinkler.flow), latched.
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['raise sprinkler.flow'])
    expect(h.engine.isActive('press-1', 'pressure.rapid_drop')).toBe(true)
    h.read('press-1', 'pressure_mpa', 0.33, 205)
    expect(h.take().map(brief)).toEqual([
      { type: 'clear', rule: 'pressure.rapid_drop', metric: 'pressure_mpa', value: 0.33 },
    ])
  })

  it('When a pump-start water-hammer spike falls back, then the drop it raises clears once the pressure settles', () => {
    const h = harness()
    // Standby for minutes, reported every 30 s; the spike is reported on change.
    series(h, 'press-1', 'pressure_mpa', 0.72, 0, 300, 30)
    h.read('press-1', 'pressure_mpa', 1.35, 320)
    h.read('press-1', 'pressure_mpa', 0.9, 322)
    expect(h.take().map((x) => `${x.type} ${x.rule}`)).toEqual(['raise pressure.rapid_drop'])
    series(h, 'press-1', 'pressure_mpa', 0.93, 330, 380, 10)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.94, 390)
    expect(h.take().map((x) => `${x.type} ${x.rule}`)).toEqual(['clear pressure.rapid_drop'])
  })

  it('When pressure held for minutes breaks below its level, then the drop stays while it stays down', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.72, 0, 300, 30)
    h.read('press-1', 'pressure_mpa', 0.5, 305)
    expect(h.take().map((x) => `${x.type} ${x.rule}`)).toContain('raise pressure.rapid_drop')
    series(h, 'press-1', 'pressure_mpa', 0.5, 310, 600, 10)
    expect(h.take().filter((x) => x.rule === 'pressure.rapid_drop')).toEqual([])
    expect(h.engine.isActive('press-1', 'pressure.rapid_drop')).toBe(true)
  })

  it('When pressure recovers right after the drop, then the alert clears only after clearHoldSec without a new drop', () => {
    const h = harness()
    series(h, 'press-1', 'pressure_mpa', 0.35, 0, 8, 1)
    h.read('press-1', 'pressure_mpa', 0.29, 9)
    h.take()
    series(h, 'press-1', 'pressure_mpa', 0.34, 20, 65, 5)
    expect(h.take()).toEqual([])
    h.read('press-1', 'pressure_mpa', 0.34, 70)
    expect(h.take().map((s) => `${s.type} ${s.rule}`)).toEqual(['clear pressure.rapid_drop'])
  })
})

describe('cable_temp.rise', () => {
  it('When a cable warms by more than 10 °C within 10 min, then cable_temp.rise raises, and clears 60 s after the rise left the window', () => {
    const h = harness()
    series(h, 'elec-1', 'temperature_c:l1', 40, 0, 120, 30)
    h.read('elec-1', 'temperature_c:l1', 48, 240)
    expect(h.take()).toEqual([])
    h.read('elec-1', 'temperature_c:l1', 51, 300)
    expect(h.take().map((s) => `${s.type} ${s.rule} ${s.metric} ${s.value} ${s.threshold}`)).toEqual([
      'raise cable_temp.rise temperature_c:l1 51 10',
    ])
    series(h, 'elec-1', 'temperature_c:l1', 51, 330, 720, 30)
    // The 40 °C readings up to t=120 stay in the window until t=720 at the latest, then 60 s more.
    expect(h.take()).toEqual([])
    series(h, 'elec-1', 'temperature_c:l1', 51, 750, 900, 30)
    const cleared = h.take()
    expect(cleared.map((s) => `${s.type} ${s.rule}`)).toEqual(['clear cable_temp.rise'])
    expect(cleared[0]!.at).toBeGreaterThanOrEqual(at(780))
  })

  it('When the temperature rises by 10 °C or less, then nothing raises', () => {
    const h = harness()
    h.read('elec-1', 'temperature_c:l1', 40, 0)
    h.read('elec-1', 'temperature_c:l1', 50, 300)
    expect(h.take()).toEqual([])
  })
})

describe('cable_temp.imbalance', () => {
  it('When phases differ by 20 °C for 3 consecutive readings, then cable_temp.imbalance raises with the spread as value', () => {
    const h = harness()
    for (const l of ['l1', 'l2', 'l3']) h.read('elec-1', `temperature_c:${l}`, 40, 0)
    h.read('elec-1', 'temperature_c:l1', 55, 10) // spread 15
    h.read('elec-1', 'temperature_c:l2', 35, 10) // spread 20: 1
    h.read('elec-1', 'temperature_c:l3', 40, 10) // 2
    expect(h.take().filter(only('cable_temp.imbalance'))).toEqual([])
    h.read('elec-1', 'temperature_c:l1', 55, 20) // 3
    expect(h.take().filter(only('cable_temp.imbalance'))).toEqual([
      expect.objectContaining({
        type: 'raise',
        metric: 'temperature_c',
        value: 20,
        threshold: 20,
        class: 'warning',
      }),
    ])
  })

  it('When the spread falls under 15 °C for 60 s, then cable_temp.imbalance clears', () => {
    const h = harness()
    for (const t of [0, 10]) {
      h.read('elec-1', 'temperature_c:l1', 60 - 1, t)
      h.read('elec-1', 'temperature_c:l2', 35, t)
    }
    expect(h.take().map((s) => s.rule)).toEqual(['cable_temp.imbalance'])
    h.read('elec-1', 'temperature_c:l1', 45, 30) // spread 10
    h.read('elec-1', 'temperature_c:l1', 52, 40) // spread 17: between the levels, clear hold restarts
    h.read('elec-1', 'temperature_c:l1', 45, 50)
    h.read('elec-1', 'temperature_c:l1', 45, 109)
    expect(h.take()).toEqual([])
    h.read('elec-1', 'temperature_c:l2', 36, 110)
    expect(h.take().map(brief)).toEqual([
      { type: 'clear', rule: 'cable_temp.imbalance', metric: 'temperature_c', value: 9 },
    ])
  })

  it('When a channel has been silent longer than the offline horizon, then it is left out of the spread', () => {
    const h = harness()
    h.read('elec-1', 'temperature_c:l3', 10, 0)
    for (const t of [200, 210, 220, 230]) {
      h.read('elec-1', 'temperature_c:l1', 40, t)
      h.read('elec-1', 'temperature_c:l2', 41, t)
    }
    expect(h.take()).toEqual([])
    h.read('elec-1', 'temperature_c:l3', 10, 240)
    h.read('elec-1', 'temperature_c:l3', 10, 250)
    h.read('elec-1', 'temperature_c:l3', 10, 260)
    expect(h.take().map((s) => `${s.rule} ${s.value}`)).toEqual(['cable_temp.imbalance 31'])
  })
})
