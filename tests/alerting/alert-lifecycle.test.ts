import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertTransition } from '../../alerting/alert.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { isoTime as iso } from '../../alerting/clock-iso.ts'
import { signal, T0, type TestClock } from './fixtures/alert-test-site.ts'
import { LifecycleHarness, type MemoryLogger } from './fixtures/lifecycle-harness.ts'

const ALL = ['open', 'acknowledged', 'resolved'] as const

let h: LifecycleHarness
let lifecycle: AlertLifecycle
let clock: TestClock
let seen: AlertTransition[]
let log: MemoryLogger

beforeEach(() => {
  h = new LifecycleHarness()
  ;({ lifecycle, clock, seen, log } = h)
})
afterEach(() => h.dispose())

describe('apply', () => {
  it('When a raise arrives with no active alert, then an open alert and an "opened" entry are stored', () => {
    const t = lifecycle.apply(signal())
    expect(t).toMatchObject({ action: 'opened', actor: 'system', at: T0, causeReceivedAt: T0 + 5 })
    expect(t?.alert).toEqual({
      id: expect.stringMatching(/^[0-9A-Z]{26}$/),
      building: 'tower-a',
      floor: 12,
      zone: '12-east',
      device: 'ta-12-smoke-01',
      class: 'fire',
      rule: 'smoke.alarm',
      metric: 'smoke_dbm',
      value: 0.31,
      threshold: 0.25,
      state: 'open',
      openedAt: '2026-11-22T10:00:00.000Z',
      acknowledgedAt: null,
      resolvedAt: null,
      message: 'Smoke alarm: Tower A 12F 12-east, Kitchen corridor (0.31 dB/m)',
      latched: false,
      repeats: 0,
      updatedAt: '2026-11-22T10:00:00.000Z',
      scope: 'device',
      evidence: [],
      tags: [],
      groupedUnder: null,
      incident: null,
    })
    expect(lifecycle.get(t!.alert.id)).toEqual(t!.alert)
    expect(lifecycle.history(t!.alert.id)).toEqual([
      { at: iso(T0), action: 'opened', actor: 'system', note: null, value: 0.31 },
    ])
    expect(seen).toEqual([t])
  })

  it('When a raise repeats while the alert is active, then it is one alert with repeats and a "repeated" entry', () => {
    const first = lifecycle.apply(signal())!
    const second = lifecycle.apply(signal({ value: 0.4, at: T0 + 3000, receivedAt: T0 + 3001 }))!
    expect(second.action).toBe('repeated')
    expect(second.causeReceivedAt).toBe(T0 + 3001)
    expect(second.alert).toMatchObject({ id: first.alert.id, value: 0.4, repeats: 1, state: 'open' })
    expect(second.alert.openedAt).toBe(iso(T0))
    expect(second.alert.updatedAt).toBe(iso(T0 + 3000))
    expect(second.alert.message).toContain('(0.4 dB/m)')
    expect(lifecycle.history(first.alert.id).map((h) => [h.action, h.value])).toEqual([
      ['opened', 0.31],
      ['repeated', 0.4],
    ])
    expect(lifecycle.list({ states: ALL, limit: 10 })).toHaveLength(1)
    expect(seen.map((t) => t.action)).toEqual(['opened', 'repeated'])
  })

  it('When a non-latched alert clears, then it is resolved by "system" at the signal time', () => {
    const opened = lifecycle.apply(signal({ rule: 'smoke.prealarm', class: 'warning', value: 0.17 }))!
    const cleared = lifecycle.apply(
      signal({ type: 'clear', rule: 'smoke.prealarm', value: 0.1, at: T0 + 90_000 }),
    )
    expect(cleared).toMatchObject({ action: 'cleared', actor: 'system', at: T0 + 90_000 })
    expect(cleared?.alert).toMatchObject({
      id: opened.alert.id,
      state: 'resolved',
      resolvedAt: iso(T0 + 90_000),
    })
    // The alert keeps the alarm value as evidence; the clearing value is in the history.
    expect(cleared?.alert.value).toBe(0.17)
    expect(lifecycle.history(opened.alert.id).at(-1)).toEqual({
      at: iso(T0 + 90_000),
      action: 'cleared',
      actor: 'system',
      note: null,
      value: 0.1,
    })
    expect(lifecycle.active()).toEqual([])
  })

  it('When a clear arrives with no active alert, then nothing changes and null is returned', () => {
    expect(lifecycle.apply(signal({ type: 'clear' }))).toBeNull()
    lifecycle.apply(signal({ rule: 'smoke.prealarm' }))
    lifecycle.apply(signal({ type: 'clear', rule: 'smoke.prealarm' }))
    expect(lifecycle.apply(signal({ type: 'clear', rule: 'smoke.prealarm' }))).toBeNull()
    expect(seen.map((t) => t.action)).toEqual(['opened', 'cleared'])
  })

  it('When a latched alert gets a clear, then it stays open until a person resolves it', () => {
    const opened = lifecycle.apply(signal({ latched: true }))!
    expect(opened.alert.latched).toBe(true)
    // Neither a clear without the flag nor one with it closes a latched alert.
    expect(lifecycle.apply(signal({ type: 'clear', latched: false }))).toBeNull()
    expect(lifecycle.apply(signal({ type: 'clear', latched: true }))).toBeNull()
    expect(lifecycle.get(opened.alert.id)?.state).toBe('open')
    expect(lifecycle.resolve(opened.alert.id, 'brigade', 'checked, burnt toast')?.state).toBe('resolved')
  })

  it('When an alert was resolved, then the next raise opens a new alert with a greater id', () => {
    const first = lifecycle.apply(signal({ rule: 'smoke.prealarm' }))!
    lifecycle.apply(signal({ type: 'clear', rule: 'smoke.prealarm', at: T0 + 1000 }))
    const second = lifecycle.apply(signal({ rule: 'smoke.prealarm', at: T0 + 2000 }))!
    expect(second.action).toBe('opened')
    expect(second.alert.id).not.toBe(first.alert.id)
    expect(second.alert.id > first.alert.id).toBe(true)
    expect(lifecycle.get(first.alert.id)?.state).toBe('resolved')
    expect(lifecycle.active().map((a) => a.id)).toEqual([second.alert.id])
  })

  it('When an acknowledged alert repeats, then it stays acknowledged and counts the repeat', () => {
    const { alert } = lifecycle.apply(signal())!
    lifecycle.acknowledge(alert.id, 'mgr-a', null)
    const again = lifecycle.apply(signal({ value: 0.5 }))
    expect(again?.alert).toMatchObject({ id: alert.id, state: 'acknowledged', repeats: 1, value: 0.5 })
  })

  it('When an event signal has a detail, then the message and the history carry it', () => {
    const t = lifecycle.apply(
      signal({
        device: 'tb-b1-pump-01',
        rule: 'device.fault',
        class: 'fault',
        metric: null,
        value: null,
        detail: 'sensor drift',
      }),
    )!
    expect(t.alert.message).toBe('Device fault: Tower B B1 pump-room, Fire pump outlet - sensor drift')
    expect(lifecycle.history(t.alert.id)[0]?.note).toBe('sensor drift')
  })
})

describe('listeners and transactions', () => {
  it('When onTransition throws, then the change is kept, apply returns it and the error is logged', () => {
    lifecycle = h.restart({
      onTransition: () => {
        throw new Error('mqtt down')
      },
    })
    const t = lifecycle.apply(signal())
    expect(t?.action).toBe('opened')
    expect(lifecycle.get(t!.alert.id)?.state).toBe('open')
    expect(lifecycle.acknowledge(t!.alert.id, 'mgr-a', null)?.state).toBe('acknowledged')
    const errors = log.entries.filter((e) => e.level === 'error')
    expect(errors).toHaveLength(2)
    expect(errors[0]?.obj).toMatchObject({ alertId: t!.alert.id, action: 'opened' })
  })

  it('When withinTransaction throws, then nothing is stored, nothing is published and a coded error is thrown', () => {
    lifecycle = h.restart({
      withinTransaction: () => {
        throw new Error('outbox full')
      },
    })
    expect(() => lifecycle.apply(signal())).toThrow(expect.objectContaining({ code: 'FGW_ERR_ALERT_STORE' }))
    expect(lifecycle.list({ states: ALL, limit: 10 })).toEqual([])
    expect(seen).toEqual([])
  })

  it('When withinTransaction runs, then it sees the alert row of the same transaction', () => {
    const found: (string | undefined)[] = []
    lifecycle = h.restart({ withinTransaction: (t) => found.push(h.store.get(t.alert.id)?.state) })
    const { alert } = lifecycle.apply(signal())!
    lifecycle.acknowledge(alert.id, 'mgr-a', null)
    expect(found).toEqual(['open', 'acknowledged'])
  })
})

describe('restart, queries and speed', () => {
  it('When the gateway restarts with its clock behind, then active alerts come back and new ids sort after old ones', () => {
    const a = lifecycle.apply(signal({ at: T0 + 100_000 }))!
    clock.ms = T0 + 100_000
    const b = lifecycle.apply(signal({ device: 'tb-03-smoke-01', at: T0 + 100_000 }))!
    clock.ms = T0
    lifecycle = h.restart()
    expect(lifecycle.active().map((x) => x.id)).toEqual([a.alert.id, b.alert.id])
    // The same (device, rule) is still active after the restart: a repeat, not a second alert.
    expect(lifecycle.apply(signal({ at: T0 + 200_000 }))?.alert.id).toBe(a.alert.id)
    const c = lifecycle.apply(
      signal({ device: 'ta-b2-elec-01', rule: 'cable_temp.alarm', at: T0 + 200_000 }),
    )!
    expect(c.alert.id > b.alert.id).toBe(true)
  })

  it('When the list is filtered by scope and building, then only visible alerts come back newest first', () => {
    const a = lifecycle.apply(signal({ at: T0 }))!
    const b = lifecycle.apply(signal({ device: 'tb-03-smoke-01', at: T0 + 1 }))!
    const c = lifecycle.apply(
      signal({ device: 'tb-b1-pump-01', rule: 'pressure.low', class: 'supervisory', at: T0 + 2 }),
    )!
    expect(lifecycle.list({ states: ALL, limit: 10 }).map((x) => x.id)).toEqual(
      [c, b, a].map((t) => t.alert.id),
    )
    const scope = new Set(['tower-b'])
    expect(lifecycle.list({ states: ALL, buildings: scope, class: 'fire', limit: 10 })).toEqual([b.alert])
  })

  it('When thousands of raise and clear signals are applied, then each raise-clear pair is one alert', () => {
    // Timing of apply() is a benchmark figure (tests/bench), not a test assertion.
    for (let i = 0; i < 1500; i++) {
      const type = i % 3 === 2 ? 'clear' : 'raise'
      const s = signal({ type, rule: 'smoke.prealarm', class: 'warning', value: i, at: T0 + i })
      expect(lifecycle.apply(s)).not.toBeNull()
    }
    const alerts = lifecycle.list({ states: ALL, limit: 1000 })
    expect(alerts).toHaveLength(500)
    expect(alerts.every((a) => a.state === 'resolved' && a.repeats === 1)).toBe(true)
  })
})
