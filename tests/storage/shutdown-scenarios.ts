import { rmSync } from 'node:fs'
import { afterEach, expect, it } from 'vitest'
import { waitFor } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { storageCounters, storageSettled } from './storage-scenarios.ts'
import type { StoreUnderTest } from './stores-under-test.ts'
import { connectPublisher, METRICS_PER_MESSAGE, TELEMETRY_DEVICES } from './telemetry-publisher.ts'

// The gateway as its own process (what `npm start` runs), stopped with SIGTERM or killed with SIGKILL.

// Not a multiple of STORAGE_BATCH_LINES (5000): a partial batch is left for the shutdown to write.
export const PER_DEVICE = 401
export const READINGS = PER_DEVICE * METRICS_PER_MESSAGE * TELEMETRY_DEVICES.length

/** Gateway processes started by a test file, killed after each test whatever happened. */
export function gatewayProcesses() {
  let gateways: GatewayChild[] = []
  afterEach(async () => {
    for (const g of gateways) await g.kill9()
    gateways = []
  })
  return async (env: Record<string, string>): Promise<GatewayChild> => {
    const gw = await spawnTestGateway(env)
    gateways.push(gw)
    return gw
  }
}

export async function publish(gw: GatewayChild, base: number): Promise<void> {
  const publisher = await connectPublisher(gw.mqttUrl, base)
  await publisher.send(0, PER_DEVICE)
  await publisher.close()
}

/**
 * The store is down while the gateway takes readings and then stops (SIGTERM) or dies (kill -9):
 * the next gateway on the same DATA_DIR replays the spool into the store once it is back.
 */
export function storeDownSuite(openStore: () => Promise<StoreUnderTest>): void {
  const spawn = gatewayProcesses()
  let store: StoreUnderTest | undefined
  let dataDir: string | undefined
  afterEach(async () => {
    await store?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
    store = undefined
    dataDir = undefined
  })
  /** The store's env with a DATA_DIR (the store's own, or one for this test): both gateways share it. */
  const open = async () => {
    store = await openStore()
    dataDir = store.env.DATA_DIR ? undefined : tempDataDir()
    return { store, env: { ...(dataDir ? { DATA_DIR: dataDir } : {}), ...store.env } }
  }

  it('When the gateway gets SIGTERM, then what it held is spooled and written after the next start', async () => {
    const { store, env } = await open()
    const first = await spawn(env)
    await store.beginOutage()
    const base = Date.now() - 60_000
    await publish(first, base)
    await first.stop()
    expect(first.child.exitCode).toBe(0)
    await store.endOutage()
    const second = await spawn(env)
    const counters = await storageSettled(second, READINGS, 30_000)
    expect(counters).toMatchObject({ replayed: READINGS, dropped: 0 })
    expect(await store.totals(base)).toMatchObject({ count: READINGS })
  }, 60_000)

  it('When the gateway is killed (kill -9) once readings are spooled, then they are written after the next start', async () => {
    const { store, env } = await open()
    const first = await spawn(env)
    await store.beginOutage()
    const base = Date.now() - 60_000
    await publish(first, base)
    await waitFor(async () => (await storageCounters(first)).spooled === READINGS, 10_000, 100)
    await first.kill9()
    await store.endOutage()
    const second = await spawn(env)
    await storageSettled(second, READINGS, 30_000)
    expect(await store.totals(base)).toMatchObject({ count: READINGS })
  }, 60_000)
}
