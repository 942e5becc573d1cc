import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { InfluxWriter } from '../../ingest/store/influx-writer.ts'
import { influxTarget, StorageEnv } from '../../ingest/store/storage-config.ts'
import { startVictoria, type VictoriaUnderTest } from '../support/victoria-server.ts'
import { reading, silent } from './store-fixtures.ts'

// The InfluxDB writer's v2 path (/api/v2/write?org=&bucket=&precision=ms, `Authorization: Token`)
// against VictoriaMetrics (tests/support/victoria-server.ts picks it).

let victoria: VictoriaUnderTest
let writer: InfluxWriter
const T0 = Date.now() - 3_600_000

beforeAll(async () => {
  victoria = await startVictoria()
  const target = influxTarget(StorageEnv.parse(victoria.env))!
  expect(target).toMatchObject({ api: 'v2', org: 'firewatch', bucket: 'readings' })
  writer = new InfluxWriter({ target, batchLines: 5000, log: silent })
}, 60_000)
afterAll(async () => {
  await writer?.close()
  await victoria?.stop()
})

async function exported(match: string): Promise<{ metric: Record<string, string>; values: number[] }[]> {
  await fetch(`${victoria.url}/internal/force_flush`)
  const res = await fetch(`${victoria.url}/api/v1/export?${new URLSearchParams({ 'match[]': match })}`)
  const text = await res.text()
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l))
}

describe('InfluxDB v2 write path into VictoriaMetrics', () => {
  it('When a batch is written, then each line is a sample of measurement_value with its tags as labels', async () => {
    const odd = { zone: 'east wing, 12=b', device: 'ta-12-smoke-01' }
    const batch = [
      reading('temperature_c:l1', 41, T0 + 1),
      reading('temperature_c:l2', 43.25, T0 + 2),
      reading('battery_pct', 97, T0 + 3, odd),
    ]
    expect(await writer.write(batch.map((r) => writer.encode(r)))).toEqual({ status: 'written' })
    const series = await exported('{__name__=~"temperature_c_value|battery_pct_value"}')
    const byName = series
      .map((s) => ({ ...s.metric, values: s.values }))
      .sort((a, b) => a.values[0]! - b.values[0]!)
    expect(byName).toEqual([
      {
        __name__: 'temperature_c_value',
        building: 'tower-a',
        channel: 'l1',
        device: 'ta-b1-elec-01',
        floor: '-1',
        kind: 'electrical_monitor',
        zone: 'switch-room',
        values: [41],
      },
      {
        __name__: 'temperature_c_value',
        building: 'tower-a',
        channel: 'l2',
        device: 'ta-b1-elec-01',
        floor: '-1',
        kind: 'electrical_monitor',
        zone: 'switch-room',
        values: [43.25],
      },
      {
        __name__: 'battery_pct_value',
        building: 'tower-a',
        device: 'ta-12-smoke-01',
        floor: '-1',
        kind: 'electrical_monitor',
        zone: 'east wing, 12=b',
        values: [97],
      },
    ])
  })

  it('When the same batch is written three times (a retry of an applied write), then each reading is stored once', async () => {
    const lines = Array.from({ length: 2000 }, (_, i) =>
      writer.encode(reading('rssi_dbm', -60 - (i % 30), T0 + 10_000 + i)),
    )
    for (let i = 0; i < 3; i++) expect(await writer.write(lines)).toEqual({ status: 'written' })
    const totals = await victoria.samples(T0 + 10_000, T0 + 11_999)
    expect(totals).toMatchObject({ count: 2000, distinct: 2000 })
  })

  it('When the server is stopped, then a batch fails as a whole, and written after its restart it is stored once', async () => {
    const lines = Array.from({ length: 500 }, (_, i) =>
      writer.encode(reading('smoke_dbm', i / 1000, T0 + 20_000 + i)),
    )
    await victoria.halt()
    const failed = await writer.write(lines).finally(() => victoria.restart())
    expect(failed).toMatchObject({ status: 'failed' })
    expect(await writer.write(lines)).toEqual({ status: 'written' })
    expect(await victoria.samples(T0 + 20_000, T0 + 20_499)).toMatchObject({ count: 500, distinct: 500 })
  })

  it('When a line is malformed, then VictoriaMetrics still answers 204 and drops it: no 400, so no dead-letter file', async () => {
    // A difference from InfluxDB (400, the batch goes to DATA_DIR/readings-rejected): the gateway
    // counts such a line written. Its own lines are well formed; this is about what the server does.
    const outcome = await writer.write([`smoke_dbm,device=malformed value= ${T0 + 30_000}`])
    expect(outcome).toEqual({ status: 'written' })
    expect(await victoria.samples(T0 + 30_000, T0 + 30_000)).toMatchObject({ count: 0 })
  })
})
