import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Evidence } from '../../alerting/alert.ts'
import { zoneKey } from '../../alerting/fire/scope-key.ts'
import { signal } from './fixtures/alert-test-site.ts'
import { LifecycleHarness } from './fixtures/lifecycle-harness.ts'

// Alerts of a zone, floor or building (docs/rules.md, "Fire-aware rules") in the real lifecycle on
// a SQLite file: one active per scope and rule, evidence, test tags, grouping.

let h: LifecycleHarness
beforeEach(() => {
  h = new LifecycleHarness()
})
afterEach(() => h.dispose())

const ev = (device: string): Evidence => ({
  device,
  rule: 'smoke.alarm',
  class: 'fire',
  floor: 12,
  zone: '12-east',
  at: '2026-11-22T10:00:00.000Z',
  metric: 'smoke_dbm',
  value: 0.3,
})

const zoneSignal = (evidence: Evidence[]) => ({
  ...signal({
    building: 'tower-a',
    floor: 12,
    zone: '12-east',
    rule: 'fire.confirmed',
    metric: null,
    value: null,
    threshold: null,
    latched: true,
    scope: 'zone',
    evidence,
    detail: 'confirmed by 2 detectors',
  }),
  device: zoneKey('tower-a', '12-east'),
})

describe('scope alerts', () => {
  it('When a zone is confirmed twice, then it is one alert with no device, whose evidence follows the repeat', () => {
    const first = h.lifecycle.apply(zoneSignal([ev('a')]))!
    expect(first.alert).toMatchObject({
      device: null,
      scope: 'zone',
      zone: '12-east',
      rule: 'fire.confirmed',
    })
    expect(first.alert.message).toBe('Fire confirmed: Tower A 12F 12-east - confirmed by 2 detectors')
    const again = h.lifecycle.apply(zoneSignal([ev('a'), ev('b')]))!
    expect(again.action).toBe('repeated')
    expect(again.alert.id).toBe(first.alert.id)
    expect(again.alert.evidence.map((e) => e.device)).toEqual(['a', 'b'])
    // A device alert of another rule and the zone alert coexist; the store reads both back.
    h.lifecycle.apply(signal())
    expect(
      h.lifecycle
        .active()
        .map((a) => a.scope)
        .sort(),
    ).toEqual(['device', 'zone'])
    expect(h.restart().get(first.alert.id)).toEqual(again.alert)
  })

  it('When a real raise meets an active test alert, then the test alert closes and a new one opens', () => {
    const test = h.lifecycle.apply(signal({ tags: ['test'] }))!
    expect(test.alert.tags).toEqual(['test'])
    const real = h.lifecycle.apply(signal())!
    expect(real.action).toBe('opened')
    expect(real.alert.id).not.toBe(test.alert.id)
    expect(real.alert.tags).toEqual([])
    expect(h.lifecycle.get(test.alert.id)!.state).toBe('resolved')
    expect(h.seen.map((t) => t.action)).toEqual(['opened', 'cleared', 'opened'])
  })

  it('When an alert is grouped, then it keeps its state, gains groupedUnder and a history entry, once', () => {
    const head = h.lifecycle.apply(zoneSignal([ev('a')]))!.alert
    const warning = h.lifecycle.apply(signal({ rule: 'smoke.prealarm', class: 'warning' }))!.alert
    const grouped = h.lifecycle.group(warning.id, head.id)!
    expect(grouped.action).toBe('grouped')
    expect(grouped.alert).toMatchObject({ state: 'open', groupedUnder: head.id })
    expect(h.lifecycle.group(warning.id, head.id)).toBeNull()
    expect(h.lifecycle.history(warning.id).map((e) => e.action)).toEqual(['opened', 'grouped'])
  })

  it('When a test alert is closed by its window, then it is resolved by the system with the reason', () => {
    const test = h.lifecycle.apply(signal({ tags: ['test'] }))!.alert
    const closed = h.lifecycle.closeTest(test.id, 'window w1 ended (pump test)')!
    expect(closed.alert.state).toBe('resolved')
    expect(h.lifecycle.history(test.id).at(-1)).toMatchObject({
      action: 'resolved',
      actor: 'system',
      note: 'window w1 ended (pump test)',
    })
    // Only test alerts are closed this way.
    const real = h.lifecycle.apply(signal({ rule: 'device.fault', class: 'fault' }))!.alert
    expect(h.lifecycle.closeTest(real.id, 'x')).toBeNull()
  })
})
