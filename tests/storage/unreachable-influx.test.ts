import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { freePort } from '../support/free-port.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { storageCounters } from './storage-scenarios.ts'
import { connectPublisher, METRICS_PER_MESSAGE, TELEMETRY_DEVICES } from './telemetry-publisher.ts'

// InfluxDB configured but not there at all (nothing listens on its port: connections are refused).

let gw: GatewayUnderTest
beforeAll(async () => {
  const port = await freePort()
  gw = await startTestGateway({
    INFLUX_URL: `http://127.0.0.1:${port}`,
    INFLUX_API: 'v1',
    INFLUX_BUCKET: 'firewatch',
  })
})
afterAll(async () => gw?.stop())

describe('InfluxDB unreachable', () => {
  it('When readings arrive, then the gateway still acknowledges them and spools every one', async () => {
    const publisher = await connectPublisher(gw.mqttUrl, Date.now() - 60_000)
    await publisher.send(0, 20)
    await publisher.close()
    const readings = 20 * METRICS_PER_MESSAGE * TELEMETRY_DEVICES.length
    const counters = await waitFor(async () => {
      const c = await storageCounters(gw)
      return c.spooled === readings ? c : null
    })
    expect(counters).toMatchObject({ written: 0, dropped: 0, queued: 0 })
    expect(counters.spoolBytes).toBeGreaterThan(0)
  })

  it('When the history is asked for, then 503 FGW_ERR_STORAGE_QUERY', async () => {
    const res = await apiClient(gw.httpUrl, 'brigade-token').get('/api/v1/devices/ta-12-smoke-01/readings')
    expect(res.status).toBe(503)
    expect(res.body.error).toBe('FGW_ERR_STORAGE_QUERY')
  })
})
