import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { AlertTransition } from '../../alerting/alert.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { isoTime as iso } from '../../alerting/clock-iso.ts'
import { signal, T0, type TestClock } from './fixtures/alert-test-site.ts'
import { LifecycleHarness } from './fixtures/lifecycle-harness.ts'

let h: LifecycleHarness
let lifecycle: AlertLifecycle
let clock: TestClock
let seen: AlertTransition[]

beforeEach(() => {
  h = new LifecycleHarness()
  ;({ lifecycle, clock, seen } = h)
})
afterEach(() => h.dispose())

describe('acknowledge and resolve', () => {
  it('When an open alert is acknowledged, then state, time, actor and note are recorded once', () => {
    const { alert } = lifecycle.apply(signal())!
    clock.ms = T0 + 60_000
    const acked = lifecycle.acknowledge(alert.id, 'mgr-a', '  on my way ')
    expect(acked).toMatchObject({ id: alert.id, state: 'acknowledged', acknowledgedAt: iso(T0 + 60_000) })
    expect(lifecycle.history(alert.id).at(-1)).toEqual({
      at: iso(T0 + 60_000),
      action: 'acknowledged',
      actor: 'mgr-a',
      note: 'on my way',
      value: null,
    })
    expect(seen.at(-1)).toMatchObject({
      action: 'acknowledged',
      actor: 'mgr-a',
      at: T0 + 60_000,
      causeReceivedAt: null,
    })
    expect(seen.at(-1)?.alert).toEqual(acked)
  })

  it('When an acknowledged alert is acknowledged again, then it is unchanged and nothing is published', () => {
    const { alert } = lifecycle.apply(signal())!
    const acked = lifecycle.acknowledge(alert.id, 'mgr-a', null)
    clock.ms += 10_000
    const count = seen.length
    expect(lifecycle.acknowledge(alert.id, 'brigade', null)).toEqual(acked)
    expect(seen).toHaveLength(count)
    expect(lifecycle.history(alert.id).map((h) => h.action)).toEqual(['opened', 'acknowledged'])
    // A note given with a repeated ack is kept, but a retried request does not add it twice.
    expect(lifecycle.acknowledge(alert.id, 'brigade', 'crew dispatched')).toEqual(acked)
    expect(lifecycle.acknowledge(alert.id, 'brigade', 'crew dispatched')).toEqual(acked)
    expect(lifecycle.history(alert.id).map((h) => [h.action, h.actor, h.note])).toEqual([
      ['opened', 'system', null],
      ['acknowledged', 'mgr-a', null],
      ['note', 'brigade', 'crew dispatched'],
    ])
    expect(seen).toHaveLength(count)
  })

  it('When an acknowledged alert is resolved, then resolvedAt and a "resolved" entry are added', () => {
    const { alert } = lifecycle.apply(signal({ latched: true }))!
    clock.ms = T0 + 60_000
    lifecycle.acknowledge(alert.id, 'mgr-a', null)
    clock.ms = T0 + 600_000
    const resolved = lifecycle.resolve(alert.id, 'brigade', 'false alarm, cooking')
    expect(resolved).toMatchObject({
      state: 'resolved',
      acknowledgedAt: iso(T0 + 60_000),
      resolvedAt: iso(T0 + 600_000),
      updatedAt: iso(T0 + 600_000),
    })
    expect(lifecycle.history(alert.id).map((h) => [h.at, h.action, h.actor, h.note])).toEqual([
      [iso(T0), 'opened', 'system', null],
      [iso(T0 + 60_000), 'acknowledged', 'mgr-a', null],
      [iso(T0 + 600_000), 'resolved', 'brigade', 'false alarm, cooking'],
    ])
    expect(seen.map((t) => t.action)).toEqual(['opened', 'acknowledged', 'resolved'])
  })

  it('When an open alert is resolved directly, then it never gets an acknowledgedAt', () => {
    const { alert } = lifecycle.apply(signal())!
    expect(lifecycle.resolve(alert.id, 'admin', null)).toMatchObject({
      state: 'resolved',
      acknowledgedAt: null,
    })
  })

  it('When a resolved alert is resolved or acknowledged again, then it is returned unchanged', () => {
    const { alert } = lifecycle.apply(signal())!
    const resolved = lifecycle.resolve(alert.id, 'brigade', 'done')
    clock.ms += 5000
    const count = seen.length
    expect(lifecycle.resolve(alert.id, 'brigade', 'done')).toEqual(resolved)
    expect(lifecycle.acknowledge(alert.id, 'mgr-a', null)).toEqual(resolved)
    expect(lifecycle.history(alert.id).map((h) => h.action)).toEqual(['opened', 'resolved'])
    expect(seen).toHaveLength(count)
  })

  it('When the alert does not exist, then acknowledge and resolve return undefined', () => {
    expect(lifecycle.acknowledge('01NOSUCHALERT000000000000', 'mgr-a', null)).toBeUndefined()
    expect(lifecycle.resolve('01NOSUCHALERT000000000000', 'mgr-a', 'x')).toBeUndefined()
    expect(seen).toEqual([])
  })
})
