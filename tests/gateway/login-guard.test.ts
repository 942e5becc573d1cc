import { describe, expect, it } from 'vitest'
import { LoginGuard, type LoginVerdict } from '../../gateway/limits/login-guard.ts'
import { RateBuckets } from '../../gateway/limits/rate-buckets.ts'
import { ManualClock } from '../../simulators/runner/manual-clock.ts'

function guard(clock: { now(): number }) {
  return new LoginGuard({ backoffAfter: 3, lockoutAfter: 6, lockoutMs: 60_000, clock })
}

const backoffOf = (v: LoginVerdict) => (v.kind === 'check' ? v.backoffMs : -1)

describe('LoginGuard', () => {
  it('When failures pass the back-off threshold, then the delay doubles, and at the lockout threshold the key is locked', () => {
    const clock = new ManualClock(0)
    const g = guard(clock)
    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      const v = g.before('10.0.0.9', 'ta-12-smoke-01')
      delays.push(v.kind === 'check' ? v.delayMs : -1)
      expect(g.failed('10.0.0.9', 'ta-12-smoke-01')).toBe(false)
    }
    expect(delays).toEqual([0, 0, 0, 250, 500])
    expect(g.failed('10.0.0.9', 'ta-12-smoke-01')).toBe(true)
    expect(g.before('10.0.0.9', 'ta-12-smoke-01').kind).toBe('locked')
    // The same address is locked for every username; another address is not touched.
    expect(g.before('10.0.0.9', 'someone-else').kind).toBe('locked')
    expect(g.before('10.0.0.7', 'ta-12-smoke-01')).toEqual({ kind: 'check', delayMs: 0, backoffMs: 0 })
  })

  it('When the lockout period has passed, then the key is open again and its failures are forgotten', () => {
    const clock = new ManualClock(0)
    const g = guard(clock)
    for (let i = 0; i < 6; i++) g.failed('10.0.0.9', 'x')
    clock.advanceTo(59_999)
    expect(g.before('10.0.0.9', 'x').kind).toBe('locked')
    clock.advanceTo(60_001)
    expect(g.before('10.0.0.9', 'x')).toEqual({ kind: 'check', delayMs: 0, backoffMs: 0 })
    // A new failure starts counting from one again: no back-off yet.
    g.failed('10.0.0.9', 'x')
    expect(g.before('10.0.0.9', 'x')).toEqual({ kind: 'check', delayMs: 0, backoffMs: 0 })
  })

  it('When a username logs in at an address, then only its own failures there are cleared, not the address', () => {
    const clock = new ManualClock(0)
    const g = guard(clock)
    for (let i = 0; i < 4; i++) g.failed('10.0.0.9', 'attacker-guess')
    g.failed('10.0.0.9', 'ta-20-sprinkler-01')
    g.succeeded('10.0.0.9', 'ta-20-sprinkler-01')
    // The address still carries all five failures: 250 ms * 2^(5-3).
    expect(g.before('10.0.0.9', 'ta-20-sprinkler-01')).toEqual({
      kind: 'check',
      delayMs: 1_000,
      backoffMs: 1_000,
    })
  })

  it('When a key is in back-off, then the rest of it counts from the last failure, and runs out', () => {
    const clock = new ManualClock(0)
    const g = guard(clock)
    for (let i = 0; i < 2; i++) g.failed('10.0.0.9', '')
    expect(backoffOf(g.before('10.0.0.9', ''))).toBe(0)
    clock.advanceTo(10_000)
    g.failed('10.0.0.9', '')
    g.failed('10.0.0.9', '')
    // Four failures, three before the back-off: 500 ms from the last one.
    expect(backoffOf(g.before('10.0.0.9', ''))).toBe(500)
    clock.advanceTo(10_400)
    expect(backoffOf(g.before('10.0.0.9', ''))).toBe(100)
    expect(backoffOf(g.before('10.0.0.7', ''))).toBe(0)
    clock.advanceTo(10_500)
    expect(backoffOf(g.before('10.0.0.9', ''))).toBe(0)
  })
})

describe('RateBuckets', () => {
  it('When a key spends its burst, then it waits for the refill, and Retry-After says how long', () => {
    const clock = new ManualClock(0)
    const buckets = new RateBuckets<string>(1, 3, clock)
    expect([1, 2, 3, 4].map(() => buckets.take('a'))).toEqual([true, true, true, false])
    expect(buckets.take('b')).toBe(true)
    expect(buckets.secondsUntilNext('a')).toBe(1)
    clock.advanceTo(1_000)
    expect(buckets.take('a')).toBe(true)
    expect(buckets.take('a')).toBe(false)
  })

  it('When more keys arrive than it holds, then the oldest is forgotten and memory stays bounded', () => {
    const clock = new ManualClock(0)
    const buckets = new RateBuckets<string>(1, 1, clock, 2)
    buckets.take('a')
    buckets.take('b')
    buckets.take('c')
    // 'a' was forgotten, so it starts again with a full bucket; 'c' is still spent.
    expect(buckets.take('a')).toBe(true)
    expect(buckets.take('c')).toBe(false)
  })
})
