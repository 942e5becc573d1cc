import { describe, expect, it } from 'vitest'
import { GatewayEnv, parseGatewayEnv } from '../../gateway/config.ts'
import { escapeTag, linePrefix } from '../../ingest/store/line-protocol.ts'
import { influxTarget } from '../../ingest/store/storage-config.ts'
import { reading } from '../storage/store-fixtures.ts'

describe('Storage configuration', () => {
  it('When INFLUX_URL is unset, then readings go to the embedded store with its defaults', () => {
    const env = GatewayEnv.parse({})
    expect(influxTarget(env)).toBeNull()
    expect(env).toMatchObject({
      READINGS_RETENTION_DAYS: 7,
      STORAGE_BATCH_LINES: 5000,
      STORAGE_SPOOL_FSYNC: 'interval',
    })
  })

  it('When InfluxDB 2.x is configured without org or bucket, then start-up names the missing fields', () => {
    expect(() => parseGatewayEnv({ INFLUX_URL: 'http://127.0.0.1:8086', INFLUX_TOKEN: 't' })).toThrow(
      /INFLUX_BUCKET: required[\s\S]*INFLUX_ORG: required/,
    )
    expect(() => parseGatewayEnv({ INFLUX_URL: 'ftp://x', INFLUX_BUCKET: 'b' })).toThrow(/INFLUX_URL/)
    expect(() => parseGatewayEnv({ STORAGE_SPOOL_FSYNC: 'sometimes' })).toThrow(/STORAGE_SPOOL_FSYNC/)
  })

  it('When InfluxDB 2.x is configured, then the token goes in a Token header and the bucket is the database', () => {
    const env = parseGatewayEnv({
      INFLUX_URL: 'http://influxdb:8086/',
      INFLUX_TOKEN: 'secret-token',
      INFLUX_ORG: 'firewatch',
      INFLUX_BUCKET: 'readings',
    })
    expect(influxTarget(env)).toEqual({
      url: 'http://influxdb:8086',
      api: 'v2',
      org: 'firewatch',
      bucket: 'readings',
      db: 'readings',
      rp: null,
      authorization: 'Token secret-token',
      timeoutMs: 10_000,
    })
  })

  it('When InfluxDB 1.x is configured with db/rp and user:password, then they become database, RP and Basic auth', () => {
    const raw = {
      INFLUX_URL: 'http://127.0.0.1:8086',
      INFLUX_API: 'v1',
      INFLUX_TOKEN: 'writer:pa:ss',
      INFLUX_BUCKET: 'firewatch/one_year',
    }
    const env = parseGatewayEnv(raw)
    expect(influxTarget(env)).toMatchObject({
      api: 'v1',
      db: 'firewatch',
      rp: 'one_year',
      authorization: `Basic ${Buffer.from('writer:pa:ss').toString('base64')}`,
    })
    expect(() => parseGatewayEnv({ ...raw, INFLUX_BUCKET: 'a/b/c' })).toThrow(/INFLUX_BUCKET/)
  })
})

describe('Line protocol', () => {
  it('When a reading is encoded, then tags are sorted and escaped, and a missing channel is no tag', () => {
    const r = reading('temperature_c:l1', 41, 1_763_800_000_000, { zone: 'east wing, 12=b\nx\\' })
    expect(linePrefix(r)).toBe(
      'temperature_c,building=tower-a,channel=l1,device=ta-b1-elec-01,floor=-1,kind=electrical_monitor,' +
        'zone=east\\ wing\\,\\ 12\\=b\\ x',
    )
    expect(linePrefix(reading('battery_pct', 97, 0))).not.toContain('channel=')
    expect(escapeTag('\\')).toBe('_')
  })
})
