import { rmSync } from 'node:fs'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { waitFor } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { storageCounters, storageSettled } from './storage-scenarios.ts'
import { influxStore, type StoreUnderTest, sqliteStore } from './stores-under-test.ts'
import { connectPublisher, METRICS_PER_MESSAGE, TELEMETRY_DEVICES } from './telemetry-publisher.ts'

// The gateway as its own process (what `npm start` runs), stopped with SIGTERM or killed with SIGKILL.

// Not a multiple of STORAGE_BATCH_LINES (5000): a partial batch is left for the shutdown to write.
const PER_DEVICE = 401
const READINGS = PER_DEVICE * METRICS_PER_MESSAGE * TELEMETRY_DEVICES.length

let gateways: GatewayChild[] = []
afterEach(async () => {
  for (const g of gateways) await g.kill9()
  gateways = []
})

async function spawn(env: Record<string, string>): Promise<GatewayChild> {
  const gw = await spawnTestGateway(env)
  gateways.push(gw)
  return gw
}

async function publish(gw: GatewayChild, base: number): Promise<void> {
  const publisher = await connectPublisher(gw.mqttUrl, base)
  await publisher.send(0, PER_DEVICE)
  await publisher.close()
}

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

describe('Shutdown with the store down (embedded SQLite, write-locked)', () => {
  let store: StoreUnderTest
  afterEach(async () => store?.stop())

  it('When the gateway gets SIGTERM, then what it held is spooled and written after the next start', async () => {
    store = await sqliteStore()
    const first = await spawn(store.env)
    await store.beginOutage()
    const base = Date.now() - 60_000
    await publish(first, base)
    await first.stop()
    expect(first.child.exitCode).toBe(0)
    await store.endOutage()
    const second = await spawn(store.env)
    const counters = await storageSettled(second, READINGS, 30_000)
    expect(counters).toMatchObject({ replayed: READINGS, dropped: 0 })
    expect(await store.totals(base)).toMatchObject({ count: READINGS })
  }, 60_000)

  it('When the gateway is killed (kill -9) once readings are spooled, then they are written after the next start', async () => {
    store = await sqliteStore()
    const first = await spawn(store.env)
    await store.beginOutage()
    const base = Date.now() - 60_000
    await publish(first, base)
    await waitFor(async () => (await storageCounters(first)).spooled === READINGS, 10_000, 100)
    await first.kill9()
    await store.endOutage()
    const second = await spawn(store.env)
    await storageSettled(second, READINGS, 30_000)
    expect(await store.totals(base)).toMatchObject({ count: READINGS })
  }, 60_000)
})
