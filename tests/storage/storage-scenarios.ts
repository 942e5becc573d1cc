import { performance } from 'node:perf_hooks'
import { expect } from 'vitest'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import type { GatewayUnderTest } from '../support/gateway-launcher.ts'
import type { StoreUnderTest } from './stores-under-test.ts'
import { METRICS_PER_MESSAGE, TELEMETRY_DEVICES } from './telemetry-publisher.ts'

// What the storage scenarios check, shared by the InfluxDB and the SQLite variants.

export interface StorageCounters {
  accepted: number
  written: number
  spooled: number
  replayed: number
  dropped: number
  rejected: number
  queued: number
  spoolBytes: number
}

export async function storageCounters(gw: GatewayUnderTest): Promise<StorageCounters> {
  const text = await apiClient(gw.httpUrl).text('/metrics')
  const v = (name: string) => metricValue(text, `firewatch_storage_${name}`)
  return {
    accepted: metricValue(text, 'firewatch_readings_accepted_total'),
    written: v('points_written_total'),
    spooled: v('points_spooled_total'),
    replayed: v('points_replayed_total'),
    dropped: v('points_dropped_total'),
    rejected: v('points_rejected_total'),
    queued: v('queue_points'),
    spoolBytes: v('spool_bytes'),
  }
}

/** Waits until the gateway has written `expected` readings and holds none in memory or spool. */
export async function storageSettled(gw: GatewayUnderTest, expected: number, timeoutMs: number) {
  return waitFor(
    async () => {
      const c = await storageCounters(gw)
      return c.written >= expected && c.queued === 0 && c.spoolBytes === 0 ? c : null
    },
    timeoutMs,
    250,
  )
}

/** Every reading once in the store, their values intact, and the same through the history API (when it has one). */
export async function expectAllStored(
  store: StoreUnderTest,
  gw: GatewayUnderTest,
  base: number,
  messagesPerDevice: number,
  sum: number,
): Promise<void> {
  const perDevice = messagesPerDevice * METRICS_PER_MESSAGE
  const totals = await store.totals(base)
  expect(totals.count).toBe(perDevice * TELEMETRY_DEVICES.length)
  expect(totals.sum).toBeCloseTo(sum * TELEMETRY_DEVICES.length, 1)
  const api = apiClient(gw.httpUrl, 'brigade-token')
  if (!store.history) {
    // VictoriaMetrics answers no InfluxQL: the history API says the store did not answer.
    const res = await api.get(`/api/v1/devices/${TELEMETRY_DEVICES[0].id}/readings?from=${base}`)
    expect(res.status).toBe(503)
    expect(res.body.error).toBe('FGW_ERR_STORAGE_QUERY')
    return
  }
  for (const device of TELEMETRY_DEVICES) {
    const range = `from=${base}&to=${base + messagesPerDevice - 1}`
    const res = await api.get(`/api/v1/devices/${device.id}/readings?${range}&step=raw`)
    expect(res.status).toBe(200)
    expect(res.body).toMatchObject({ source: store.name, step: null, truncated: false })
    const readings = res.body.readings as { metric: string; ts: number }[]
    expect(readings).toHaveLength(perDevice)
    expect(new Set(readings.map((r) => `${r.metric}@${r.ts}`)).size).toBe(perDevice)
  }
  const chart = await api.get(`/api/v1/devices/${TELEMETRY_DEVICES[0].id}/readings?from=${base}`)
  expect(chart.body.step).toBeGreaterThan(0)
  expect(chart.body.readings.length).toBeGreaterThan(0)
  expect(chart.body.readings.length).toBeLessThanOrEqual(1000)
}

/** Publish time to alert time of a fire_alarm, read from fw/+/alerts by a brigade subscriber. */
export function elapsedSince(started: number): number {
  return Math.round(performance.now() - started)
}
