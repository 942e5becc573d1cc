import { describe, expect, it } from 'vitest'
import { Decoder } from '../../ingest/decoder.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { TEST_SITE } from '../support/paths.ts'

const site = loadSite(TEST_SITE)
const smoke = site.device('ta-12-smoke-01')!
const elec = site.device('ta-b1-elec-01')!
const NOW = 1_763_800_000_000
const decoder = () => new Decoder({ maxPayloadBytes: 1024, maxSkewMs: 60_000 })
const buf = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v))

describe('Telemetry decoding', () => {
  it('When a payload has ts, seq and metrics, then each metric becomes a located reading', () => {
    const { value, problems } = decoder().telemetry(
      smoke,
      buf({ ts: NOW - 1000, seq: 7, metrics: { smoke_dbm: 0.08, battery_pct: 97 } }),
      NOW,
    )
    expect(problems).toEqual([])
    expect(value).toEqual([
      expect.objectContaining({
        device: 'ta-12-smoke-01',
        building: 'tower-a',
        floor: 12,
        zone: '12-east',
        kind: 'smoke_detector',
        metric: 'smoke_dbm',
        family: 'smoke_dbm',
        channel: null,
        value: 0.08,
        ts: NOW - 1000,
        receivedAt: NOW,
        seq: 7,
      }),
      expect.objectContaining({ metric: 'battery_pct', value: 97 }),
    ])
  })

  it('When a metric carries a channel suffix, then family and channel are split', () => {
    const { value } = decoder().telemetry(
      elec,
      buf({ metrics: { 'temperature_c:l1': 41.5, 'residual_current_ma:main': 60 } }),
      NOW,
    )
    expect(value?.map((r) => [r.family, r.channel, r.ts])).toEqual([
      ['temperature_c', 'l1', NOW],
      ['residual_current_ma', 'main', NOW],
    ])
  })

  it('When valid and invalid metrics are mixed, then the valid ones are kept and each bad one is named', () => {
    const { value, problems } = decoder().telemetry(
      smoke,
      buf({
        metrics: {
          smoke_dbm: 0.1,
          co_ppm: 3,
          battery_pct: 'full',
          'temperature_c:BAD CH': 20,
          rssi_dbm: null,
        },
      }),
      NOW,
    )
    expect(value?.map((r) => r.metric)).toEqual(['smoke_dbm'])
    expect(problems.map((p) => [p.code, p.detail.split(':')[0]])).toEqual([
      ['FGW_ERR_INGEST_UNKNOWN_METRIC', 'co_ppm'],
      ['FGW_ERR_INGEST_BAD_VALUE', 'battery_pct'],
      ['FGW_ERR_INGEST_UNKNOWN_METRIC', 'temperature_c'],
      ['FGW_ERR_INGEST_BAD_VALUE', 'rssi_dbm'],
    ])
  })

  it.each([
    ['not JSON', '{nope', 'FGW_ERR_INGEST_NOT_JSON'],
    ['a JSON array', '[1,2]', 'FGW_ERR_INGEST_SCHEMA'],
    ['metrics missing', { ts: NOW }, 'FGW_ERR_INGEST_SCHEMA'],
    ['a negative seq', { seq: -1, metrics: {} }, 'FGW_ERR_INGEST_SCHEMA'],
    ['a fractional ts', { ts: 1.5, metrics: {} }, 'FGW_ERR_INGEST_SCHEMA'],
    [
      'too many metrics',
      { metrics: Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`x${i}`, i])) },
      'FGW_ERR_INGEST_SCHEMA',
    ],
    ['an oversized payload', 'x'.repeat(2000), 'FGW_ERR_INGEST_TOO_LARGE'],
  ])('When the payload is %s, then nothing is accepted and the problem is %s', (_what, payload, code) => {
    const { value, problems } = decoder().telemetry(smoke, buf(payload), NOW)
    expect(value).toBeNull()
    expect(problems[0]?.code).toBe(code)
  })

  it('When ts is far from gateway time, then the receipt time is used and the skew reported', () => {
    const { value, problems } = decoder().telemetry(
      smoke,
      buf({ ts: NOW - 3_600_000, metrics: { smoke_dbm: 0.01 } }),
      NOW,
    )
    expect(value?.[0]?.ts).toBe(NOW)
    expect(problems.map((p) => p.code)).toEqual(['FGW_ERR_INGEST_SKEW'])
  })

  it('When a seq repeats, then the duplicate is ignored; after a new clean session the counter may restart', () => {
    const d = decoder()
    const msg = buf({ seq: 5, metrics: { smoke_dbm: 0.01 } })
    expect(d.telemetry(smoke, msg, NOW).value).toHaveLength(1)
    const dup = d.telemetry(smoke, msg, NOW)
    expect(dup.value).toEqual([])
    expect(dup.problems[0]?.code).toBe('FGW_ERR_INGEST_DUPLICATE')
    expect(d.telemetry(elec, buf({ seq: 5, metrics: { residual_current_ma: 1 } }), NOW).value).toHaveLength(1)
    d.sessionStarted(smoke.id)
    expect(d.telemetry(smoke, msg, NOW).value).toHaveLength(1)
  })

  it('When a decoded seq is forgotten (cluster mode: the stream refused it), then its resend is taken', () => {
    const d = decoder()
    const msg = buf({ seq: 7, metrics: { smoke_dbm: 0.01 } })
    expect(d.telemetry(smoke, msg, NOW).value).toHaveLength(1)
    d.forgetSeq(smoke.id, 7)
    expect(d.telemetry(smoke, msg, NOW).value).toHaveLength(1)
    // Forgetting another seq leaves this one known.
    d.forgetSeq(smoke.id, 71)
    expect(d.telemetry(smoke, msg, NOW).problems[0]?.code).toBe('FGW_ERR_INGEST_DUPLICATE')
  })
})

describe('Event and status decoding', () => {
  it('When an event is valid, then it is located with its detail', () => {
    const { value } = decoder().event(smoke, buf({ ts: NOW, event: 'fire_alarm', detail: 'kitchen' }), NOW)
    expect(value).toMatchObject({
      device: smoke.id,
      floor: 12,
      event: 'fire_alarm',
      detail: 'kitchen',
      ts: NOW,
    })
  })

  it('When an event is unknown, then the schema problem names the field', () => {
    const { value, problems } = decoder().event(smoke, buf({ event: 'party' }), NOW)
    expect(value).toBeNull()
    expect(problems[0]?.detail).toMatch(/^event:/)
  })

  it.each([
    ['online', 'online'],
    [' offline\n', 'offline'],
    ['"online"', 'online'],
  ])('When the status payload is %j, then it reads %s', (payload, status) => {
    expect(decoder().status(smoke, buf(payload), NOW).value?.status).toBe(status)
  })

  it('When the status payload is something else, then it is rejected', () => {
    expect(decoder().status(smoke, buf('sleeping'), NOW).problems[0]?.code).toBe('FGW_ERR_INGEST_SCHEMA')
  })
})
