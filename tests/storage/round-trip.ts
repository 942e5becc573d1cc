import { performance } from 'node:perf_hooks'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { expectAllStored, storageCounters, storageSettled } from './storage-scenarios.ts'
import type { StoreUnderTest } from './stores-under-test.ts'
import {
  connectPublisher,
  METRICS_PER_MESSAGE,
  TELEMETRY_DEVICES,
  telemetrySum,
} from './telemetry-publisher.ts'

const MESSAGES_PER_DEVICE = 2000
const READINGS = MESSAGES_PER_DEVICE * METRICS_PER_MESSAGE * TELEMETRY_DEVICES.length

/** 100,000 readings over MQTT through the gateway into `openStore`'s store, and back out. */
export function roundTripSuite(openStore: () => Promise<StoreUnderTest>): void {
  let store: StoreUnderTest
  let gw: GatewayUnderTest

  beforeAll(async () => {
    store = await openStore()
    gw = await startTestGateway(store.env)
  }, 60_000)
  afterAll(async () => {
    await gw?.stop()
    await store?.stop()
  })

  it(`When ${READINGS.toLocaleString('en')} readings are published over MQTT, then each is in the store once and in the history API (where the store answers one)`, async () => {
    expect(READINGS).toBe(100_000)
    // Device time in the recent past (inside INGEST_MAX_SKEW_MS), 1 ms apart per device and metric.
    const base = Date.now() - 60_000
    const publisher = await connectPublisher(gw.mqttUrl, base)
    const started = performance.now()
    await publisher.send(0, MESSAGES_PER_DEVICE)
    const publishedMs = performance.now() - started
    await publisher.close()
    const counters = await storageSettled(gw, READINGS, 60_000)
    const storedMs = performance.now() - started
    console.info(
      `${store.name}: ${READINGS} readings published in ${Math.round(publishedMs)} ms, stored after ${Math.round(storedMs)} ms`,
    )
    expect(counters).toMatchObject({ accepted: READINGS, written: READINGS, dropped: 0, rejected: 0 })
    await expectAllStored(store, gw, base, MESSAGES_PER_DEVICE, telemetrySum(MESSAGES_PER_DEVICE))
    expect((await storageCounters(gw)).dropped).toBe(0)
  }, 120_000)
}
