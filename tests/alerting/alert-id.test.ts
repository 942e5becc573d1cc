import { describe, expect, it } from 'vitest'
import { createDeterministicIds, createIdGenerator } from '../../alerting/alert-id.ts'
import { T0 } from './fixtures/alert-test-site.ts'

const ID = /^[0-9A-HJKMNP-TV-Z]{26}$/

describe('createIdGenerator', () => {
  it('When many ids are made in one millisecond, then they are unique and strictly increasing', () => {
    const next = createIdGenerator()
    const ids = Array.from({ length: 1000 }, () => next(T0))
    for (const id of ids) expect(id).toMatch(ID)
    expect(new Set(ids).size).toBe(1000)
    expect([...ids].sort()).toEqual(ids)
  })

  it('When time moves on, then the id prefix encodes it and later ids sort after earlier ones', () => {
    const next = createIdGenerator()
    const a = next(T0)
    const b = next(T0 + 1)
    const c = next(T0 + 86_400_000)
    expect(a < b && b < c).toBe(true)
    expect(a.slice(0, 10)).not.toBe(b.slice(0, 10))
  })

  it('When seeded with a stored id and the clock went back, then new ids still sort after it', () => {
    const stored = createIdGenerator()(T0 + 60_000)
    const next = createIdGenerator(stored)
    const id = next(T0)
    expect(id > stored).toBe(true)
    expect(id.slice(0, 10)).toBe(stored.slice(0, 10))
  })

  it('When two generators start in the same millisecond, then their ids differ (random part)', () => {
    expect(createIdGenerator()(T0)).not.toBe(createIdGenerator()(T0))
  })
})

describe('Deterministic ids (a cluster partition)', () => {
  it('When the same namespace makes ids at the same times twice, then they are the same ids', () => {
    const times = [1_000, 1_000, 1_001, 999, 5_000]
    const first = createDeterministicIds('p3/alert')
    const again = createDeterministicIds('p3/alert')
    const a = times.map((t) => first.next(t))
    expect(times.map((t) => again.next(t))).toEqual(a)
    expect([...a].sort()).toEqual(a)
    expect(new Set(a).size).toBe(a.length)
  })

  it('When two namespaces make an id in the same millisecond, then the ids differ', () => {
    expect(createDeterministicIds('p1/alert').next(7)).not.toBe(createDeterministicIds('p2/alert').next(7))
  })
})
