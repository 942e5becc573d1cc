import { describe, expect, it } from 'vitest'
import { at, harness } from './engine-harness.ts'

const view = (s: { type: string; rule: string }) => `${s.type} ${s.rule}`

describe('device events', () => {
  it('When a device reports fire_alarm, then device.fire_alarm raises at once as a latched fire with the event detail', () => {
    const h = harness()
    h.event('smoke-1', 'fire_alarm', 10, 'chamber above threshold')
    expect(h.take()).toEqual([
      {
        type: 'raise',
        device: 'smoke-1',
        building: 'tower-a',
        floor: 3,
        zone: '3-east',
        rule: 'device.fire_alarm',
        class: 'fire',
        metric: null,
        value: null,
        threshold: null,
        at: at(10),
        receivedAt: at(10) + 5,
        latched: true,
        detail: 'chamber above threshold',
      },
    ])
  })

  it('When fire_alarm repeats, then every repeat raises again; reset does not clear it; rearm does', () => {
    const h = harness()
    h.event('smoke-1', 'fire_alarm', 10)
    h.event('smoke-1', 'fire_alarm', 20)
    h.event('smoke-1', 'reset', 30)
    h.event('smoke-1', 'fault_cleared', 31)
    expect(h.take().map(view)).toEqual(['raise device.fire_alarm', 'raise device.fire_alarm'])
    expect(h.engine.isActive('smoke-1', 'device.fire_alarm')).toBe(true)
    h.engine.rearm('smoke-1', 'device.fire_alarm')
    expect(h.engine.isActive('smoke-1', 'device.fire_alarm')).toBe(false)
    h.event('smoke-1', 'fire_alarm', 40)
    expect(h.take().map(view)).toEqual(['raise device.fire_alarm'])
  })

  it('When a device reports fault and then fault_cleared, then device.fault raises and clears', () => {
    const h = harness()
    h.event('press-1', 'fault_cleared', 5) // nothing raised: nothing to clear
    h.event('press-1', 'fault', 10, 'sensor open circuit')
    const [raised] = h.take()
    expect(raised).toMatchObject({ type: 'raise', rule: 'device.fault', class: 'fault', latched: false })
    h.event('press-1', 'fault_cleared', 20)
    expect(h.take()).toEqual([expect.objectContaining({ type: 'clear', rule: 'device.fault', at: at(20) })])
    expect(h.engine.isActive('press-1', 'device.fault')).toBe(false)
  })

  it('When a device reports tamper and fault and then reset, then reset clears both', () => {
    const h = harness()
    h.event('smoke-1', 'tamper', 10, 'head removed')
    h.event('smoke-1', 'fault', 11)
    h.event('smoke-1', 'reset', 20)
    expect(h.take().map(view)).toEqual([
      'raise device.tamper',
      'raise device.fault',
      'clear device.tamper',
      'clear device.fault',
    ])
  })

  it('When a device reports test, then no alert is raised', () => {
    const h = harness()
    h.event('smoke-1', 'test', 10)
    expect(h.take()).toEqual([])
  })

  it('When a device reports battery_low, then battery.low raises, and a battery_pct reading above 20 % clears it', () => {
    const h = harness()
    h.event('smoke-1', 'battery_low', 10)
    expect(h.take()).toEqual([
      expect.objectContaining({
        type: 'raise',
        rule: 'battery.low',
        metric: null,
        value: null,
        threshold: 15,
      }),
    ])
    h.read('smoke-1', 'battery_pct', 18, 20)
    expect(h.take()).toEqual([])
    h.read('smoke-1', 'battery_pct', 60, 30)
    expect(h.take()).toEqual([
      expect.objectContaining({ type: 'clear', rule: 'battery.low', metric: 'battery_pct', value: 60 }),
    ])
  })

  it('When battery.low is raised both by the event and by a reading, then it clears once, when both have ended', () => {
    const h = harness()
    h.event('smoke-1', 'battery_low', 10)
    h.read('smoke-1', 'battery_pct', 10, 20)
    expect(h.take().map(view)).toEqual(['raise battery.low', 'raise battery.low'])
    h.read('smoke-1', 'battery_pct', 25, 30)
    expect(h.take().map(view)).toEqual(['clear battery.low'])
    expect(h.engine.isActive('smoke-1', 'battery.low')).toBe(false)
  })
})
