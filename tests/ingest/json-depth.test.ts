import { describe, expect, it } from 'vitest'
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from '../../ingest/json-depth.ts'

const deeper = (text: string, max = 3) => jsonNestsDeeperThan(Buffer.from(text), max)

describe('JSON nesting check', () => {
  it('When arrays and objects nest up to the limit, then the payload passes; one more level, then it is refused', () => {
    expect(deeper('{"a":[{"b":1}]}')).toBe(false)
    expect(deeper('{"a":[{"b":[1]}]}')).toBe(true)
    expect(deeper('[[[1]],[[2]],[[3]]]')).toBe(false)
  })

  it('When brackets stand inside strings, escaped quotes included, then they do not count', () => {
    expect(deeper('{"a":"[[[[[[{{{{"}')).toBe(false)
    expect(deeper('{"a":"\\"[[[[[[","b":1}')).toBe(false)
    expect(deeper('{"a":"\\\\","b":[[[1]]]}')).toBe(true)
  })

  it('When text is Chinese or emoji, then multi-byte characters never read as brackets', () => {
    expect(deeper('{"detail":"火警 12F 东区 😀 [[[["}')).toBe(false)
  })

  it('When a Firewatch telemetry message is checked with the gateway limit, then it passes', () => {
    const message = { ts: 1, seq: 2, metrics: { smoke_dbm: 0.1, 'temperature_c:l1': 20 } }
    expect(jsonNestsDeeperThan(Buffer.from(JSON.stringify(message)), MAX_JSON_DEPTH)).toBe(false)
  })
})
