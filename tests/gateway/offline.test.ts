import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

let gw: GatewayUnderTest
const brigade = () => apiClient(gw.httpUrl, 'brigade-token')
const offlineAlert = async (device: string) => {
  const { body } = await brigade().get('/api/v1/alerts?state=all&class=offline')
  return (body.alerts as { device: string; state: string; rule: string }[]).find((a) => a.device === device)
}

beforeAll(async () => {
  gw = await startTestGateway()
})
afterAll(async () => {
  await gw.stop()
})

describe('Offline detection', () => {
  it('When a device drops and its Last Will says offline, then an offline alert opens after the grace period and online resolves it', async () => {
    const will = {
      topic: 'fw/tower-b/tb-03-smoke-01/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    }
    const device = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03', { will })
    await device.publishAsync('fw/tower-b/tb-03-smoke-01/status', 'online', { qos: 1, retain: true })
    device.stream.destroy() // a lost connection, not a clean DISCONNECT: the broker publishes the will
    await new Promise((r) => setTimeout(r, 300))
    expect(await offlineAlert('tb-03-smoke-01')).toBeUndefined() // grace (1 s in the test site) not over
    const alert = await waitFor(() => offlineAlert('tb-03-smoke-01'), 5_000)
    expect(alert).toMatchObject({ state: 'open', rule: 'device.offline' })
    const back = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
    await back.publishAsync('fw/tower-b/tb-03-smoke-01/status', 'online', { qos: 1, retain: true })
    expect((await offlineAlert('tb-03-smoke-01'))?.state).toBe('resolved')
    await back.endAsync()
  })

  it('When a device reconnects before its old connection is dropped, then the stale Last Will raises nothing', async () => {
    const will = {
      topic: 'fw/tower-a/ta-12-smoke-02/status',
      payload: Buffer.from('offline'),
      qos: 1 as const,
      retain: true,
    }
    const options = { will, clientId: 'ta-12-smoke-02-a' }
    const first = await connectClient(gw.mqttUrl, 'ta-12-smoke-02', 's3cret-ta-12b', options)
    const second = await connectClient(gw.mqttUrl, 'ta-12-smoke-02', 's3cret-ta-12b', {
      will,
      clientId: 'ta-12-smoke-02-b',
    })
    first.stream.destroy()
    await new Promise((r) => setTimeout(r, 2_500))
    expect(await offlineAlert('ta-12-smoke-02')).toBeUndefined()
    await second.endAsync()
  })

  it('When a device falls silent for its heartbeat times missed, then an offline alert opens; its next reading resolves it', async () => {
    // A gateway of its own: ta-05-smoke-01 (heartbeatSec 5, offlineAfterMissed 1) is counted from start-up.
    const own = await startTestGateway()
    const api = apiClient(own.httpUrl, 'brigade-token')
    const alertsOf = async () =>
      (
        (await api.get('/api/v1/alerts?state=all&class=offline')).body.alerts as {
          device: string
          state: string
        }[]
      ).filter((a) => a.device === 'ta-05-smoke-01')
    const device = await connectClient(own.mqttUrl, 'ta-05-smoke-01', 's3cret-ta-05')
    const reading = JSON.stringify({ metrics: { smoke_dbm: 0.02 } })
    await device.publishAsync('fw/tower-a/ta-05-smoke-01/telemetry', reading, { qos: 1 })
    await new Promise((r) => setTimeout(r, 3_000))
    expect(await alertsOf()).toEqual([])
    const alert = await waitFor(async () => (await alertsOf())[0], 6_000, 200)
    expect(alert.state).toBe('open')
    await device.publishAsync('fw/tower-a/ta-05-smoke-01/telemetry', reading, { qos: 1 })
    expect((await alertsOf()).map((a) => a.state)).toEqual(['resolved'])
    await device.endAsync()
    await own.stop()
  })
})
