import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answerHistory } from '../../ingest/store/history-query.ts'
import { InfluxHistory } from '../../ingest/store/influx-history.ts'
import { InfluxWriter } from '../../ingest/store/influx-writer.ts'
import { type InfluxUnderTest, startInflux } from '../support/influx-server.ts'
import { reading, silent } from './store-fixtures.ts'

// The InfluxDB writer and history against a real server (tests/support/influx-server.ts picks it).

let influx: InfluxUnderTest
let writer: InfluxWriter
const T0 = Date.parse('2026-11-22T10:00:00.000Z')

beforeAll(async () => {
  influx = await startInflux()
  writer = new InfluxWriter({ target: influx.target, batchLines: 5000, log: silent })
}, 60_000)
afterAll(async () => {
  await writer?.close()
  await influx?.stop()
})

const count = async (where = '') => {
  const series = await influx.query(`SELECT count("value") FROM /.*/ ${where}`)
  return series.reduce((n, s) => n + Number(s.values[0]?.[1] ?? 0), 0)
}

describe('InfluxDB writer', () => {
  it('When a batch is written, then every line is stored with its tags, as a float, at ms precision', async () => {
    const odd = { zone: 'east wing, 12=b', device: 'ta-12-smoke-01' }
    const batch = [
      reading('temperature_c:l1', 41, T0 + 1),
      reading('temperature_c:l2', 43.25, T0 + 2),
      reading('battery_pct', 97, T0 + 3, odd),
    ]
    expect(await writer.write(batch.map((r) => writer.encode(r)))).toEqual({ status: 'written' })
    const rows = await influx.query(
      `SELECT "value", "zone", "channel", "floor", "kind", "building" FROM "battery_pct","temperature_c" WHERE time >= ${T0}ms`,
    )
    const values = rows.flatMap((s) => s.values.map((v) => [s.name, ...v]))
    expect(values).toEqual([
      ['battery_pct', T0 + 3, 97, 'east wing, 12=b', null, '-1', 'electrical_monitor', 'tower-a'],
      ['temperature_c', T0 + 1, 41, 'switch-room', 'l1', '-1', 'electrical_monitor', 'tower-a'],
      ['temperature_c', T0 + 2, 43.25, 'switch-room', 'l2', '-1', 'electrical_monitor', 'tower-a'],
    ])
    // An integer value went in as a float: a later 97.5 is accepted into the same field.
    const later = writer.encode(reading('battery_pct', 97.5, T0 + 4, odd))
    expect(await writer.write([later])).toEqual({ status: 'written' })
  })

  it('When the server does not answer, then the batch fails as a whole, and a retry writes it once', async () => {
    const slow = new InfluxWriter({
      target: { ...influx.target, timeoutMs: 300 },
      batchLines: 1000,
      log: silent,
    })
    const lines = Array.from({ length: 500 }, (_, i) =>
      slow.encode(reading('rssi_dbm', -60 - i, T0 + 10_000 + i)),
    )
    await influx.pause()
    const failed = await slow.write(lines).finally(() => influx.resume())
    expect(failed).toMatchObject({ status: 'failed', error: { name: 'RequestTimedOutError' } })
    // The server may have applied the timed-out request after all: writing again changes nothing.
    expect(await slow.write(lines)).toEqual({ status: 'written' })
    expect(await slow.write(lines)).toEqual({ status: 'written' })
    await slow.close()
    expect(await count(`WHERE "device" = 'ta-b1-elec-01' AND time >= ${T0 + 10_000}ms`)).toBe(500)
  })

  it('When a batch is larger than the writer was made for, then it fails without being sent', async () => {
    const small = new InfluxWriter({ target: influx.target, batchLines: 2, log: silent })
    const lines = [1, 2, 3].map((i) => small.encode(reading('rssi_dbm', -i, T0 + 30_000 + i)))
    expect(await small.write(lines)).toMatchObject({ status: 'failed' })
    await small.close()
    expect(await count(`WHERE time >= ${T0 + 30_000}ms`)).toBe(0)
  })

  it('When lines conflict with the stored field type, then the batch is rejected, not failed', async () => {
    const line = `battery_pct,building=tower-a,device=ta-12-smoke-01 value="high" ${T0 + 20_000}`
    expect(await writer.write([line])).toMatchObject({ status: 'rejected', error: { statusCode: 400 } })
  })

  it('When the database does not exist, then the batch fails (it is kept to be written later)', async () => {
    const target = { ...influx.target, db: 'no_such_db', bucket: 'no_such_db' }
    const lost = new InfluxWriter({ target, batchLines: 10, log: silent })
    expect(await lost.write([writer.encode(reading('rssi_dbm', -60, T0))])).toMatchObject({
      status: 'failed',
      error: { statusCode: 404 },
    })
    await lost.close()
  })
})

describe('InfluxDB history (InfluxQL)', () => {
  const device = 'ta-20-sprinkler-01'
  const base = T0 + 3_600_000
  beforeAll(async () => {
    const where = { device, kind: 'pressure_sensor' as const, floor: 20, zone: '20-riser' }
    const lines = []
    for (let i = 0; i < 1200; i++) {
      lines.push(writer.encode(reading('pressure_mpa', i, base + i * 1000, where)))
      if (i < 10) lines.push(writer.encode(reading('pressure_mpa:out', 100 + i, base + i * 1000, where)))
    }
    expect(await writer.write(lines)).toEqual({ status: 'written' })
  })
  const history = (q: { metric?: string; from?: number; to?: number; step?: number | 'raw' }) =>
    answerHistory(new InfluxHistory(influx.target), { device, from: base, to: base + 3_600_000, ...q })

  it('When few readings are in the range, then they come back raw, channel in the metric name', async () => {
    const result = await history({ to: base + 1000 })
    expect(result).toEqual({
      source: 'influxdb',
      step: null,
      truncated: false,
      readings: [
        { metric: 'pressure_mpa', value: 0, ts: base },
        { metric: 'pressure_mpa:out', value: 100, ts: base },
        { metric: 'pressure_mpa', value: 1, ts: base + 1000 },
        { metric: 'pressure_mpa:out', value: 101, ts: base + 1000 },
      ],
    })
    expect((await history({ metric: 'pressure_mpa:out', step: 'raw' })).readings).toHaveLength(10)
    expect((await history({ metric: 'pressure_mpa', step: 'raw' })).readings).toHaveLength(1210)
  })

  it('When many readings are in the range, then a step is chosen and each value is a mean', async () => {
    const result = await history({})
    // 2 series over an hour, at most 1000 points: 3600 s × 2 / 1000 = 7.2 s, rounded up to 10 s.
    expect(result.step).toBe(10_000)
    expect(result.readings.length).toBeLessThanOrEqual(1000)
    expect(result.readings[0]).toEqual({ metric: 'pressure_mpa', value: 4.5, ts: base })
    expect(result.readings[1]).toEqual({ metric: 'pressure_mpa:out', value: 104.5, ts: base })
    const explicit = await history({ metric: 'pressure_mpa:out', step: 5000 })
    expect(explicit.readings).toEqual([
      { metric: 'pressure_mpa:out', value: 102, ts: base },
      { metric: 'pressure_mpa:out', value: 107, ts: base + 5000 },
    ])
  })
})
