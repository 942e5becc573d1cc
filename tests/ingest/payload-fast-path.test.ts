import { describe, expect, it } from 'vitest'
import { fastTelemetry, TelemetryPayload } from '../../ingest/payload-schemas.ts'

/** A seeded generator of telemetry-like JSON values, good and bad, around every schema edge. */
function* payloads(seed: number, count: number): Generator<unknown> {
  let state = seed
  const rand = () => {
    state = (state + 0x6d2b79f5) | 0
    let t = Math.imul(state ^ (state >>> 15), 1 | state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!
  const numbers = [0, 1, -1, 1.5, 2 ** 53, 2 ** 53 - 1, 1_763_800_000_000, -0, 1e308]
  const values = [...numbers, 'x', null, true, [], {}, undefined]
  const names = ['smoke_dbm', 'x'.repeat(64), 'x'.repeat(65), 'temperature_c:l1', '']
  for (let i = 0; i < count; i++) {
    const shape = rand() < 0.85 ? 'object' : pick(['array', 'null', 'string', 'number'])
    if (shape !== 'object') {
      yield shape === 'array' ? [] : shape === 'null' ? null : shape === 'string' ? 'metrics' : 42
      continue
    }
    const p: Record<string, unknown> = {}
    if (rand() < 0.7) p.ts = rand() < 0.7 ? Math.floor(rand() * 2e12) : pick(values)
    if (rand() < 0.7) p.seq = rand() < 0.7 ? Math.floor(rand() * 1e6) : pick(values)
    if (rand() < 0.9) {
      const m = rand() < 0.85 ? 'object' : pick(['array', 'null', 'string'])
      if (m === 'object') {
        const metrics: Record<string, unknown> = {}
        const n = rand() < 0.05 ? 65 + Math.floor(rand() * 3) : Math.floor(rand() * 5)
        for (let k = 0; k < n; k++) metrics[n > 10 ? `m${k}` : pick(names)] = pick(values)
        p.metrics = metrics
      } else p.metrics = m === 'array' ? [1] : m === 'null' ? null : 'x'
    }
    if (rand() < 0.2) p.extra = pick(values)
    yield p
  }
}

describe('Telemetry fast path', () => {
  it('When 20,000 generated payloads are checked, then the fast path accepts exactly what the zod schema accepts', () => {
    let accepted = 0
    for (const payload of payloads(7, 20_000)) {
      const viaZod = TelemetryPayload.safeParse(payload)
      const fast = fastTelemetry(payload)
      expect([JSON.stringify(payload), fast !== null]).toEqual([JSON.stringify(payload), viaZod.success])
      if (viaZod.success) {
        accepted++
        expect(fast).toEqual(viaZod.data)
      }
    }
    // Both outcomes must be well represented, or the comparison proves little.
    expect(accepted).toBeGreaterThan(1_000)
    expect(accepted).toBeLessThan(19_000)
  })
})
