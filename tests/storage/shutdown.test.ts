import { rmSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDataDir } from '../support/gateway-launcher.ts'
import { gatewayProcesses, publish, READINGS, storeDownSuite } from './shutdown-scenarios.ts'
import { influxStore, type StoreUnderTest, sqliteStore } from './stores-under-test.ts'

// The gateway as its own process (what `npm start` runs), stopped with SIGTERM or killed with SIGKILL.

const spawn = gatewayProcesses()

describe('Shutdown with InfluxDB', () => {
  let influx: StoreUnderTest
  beforeAll(async () => {
    influx = await influxStore()
  }, 60_000)
  afterAll(async () => influx?.stop())

  it('When the gateway gets SIGTERM right after the last PUBACK, then every reading reaches InfluxDB', async () => {
    const dataDir = tempDataDir()
    // A long flush interval: without the flush at shutdown, the last partial batch would still be queued.
    const gw = await spawn({ ...influx.env, DATA_DIR: dataDir, STORAGE_FLUSH_MS: '30000' })
    const base = Date.now() - 60_000
    await publish(gw, base)
    await gw.stop()
    expect(gw.child.exitCode).toBe(0)
    expect(await influx.totals(base)).toMatchObject({ count: READINGS })
    rmSync(dataDir, { recursive: true, force: true })
  }, 60_000)
})

describe('Shutdown with the store down (embedded SQLite, write-locked)', () => storeDownSuite(sqliteStore))
