import { rmSync } from 'node:fs'
import { afterEach, describe, expect, it } from 'vitest'
import { apiClient } from '../support/api-client.ts'
import { type GatewayChild, spawnTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'

const started: GatewayChild[] = []
afterEach(async () => {
  for (const g of started.splice(0)) await g.stop()
})

describe('Alerts survive a crash', () => {
  it('When the gateway is killed with SIGKILL and restarted, then every alert, state and history entry is intact', async () => {
    const dataDir = tempDataDir()
    const first = await spawnTestGateway({ DATA_DIR: dataDir, ALERT_DB_SYNC: 'normal' })
    started.push(first)
    const smoke = await connectClient(first.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    await smoke.publishAsync(
      'fw/tower-a/ta-12-smoke-01/event',
      JSON.stringify({ event: 'fire_alarm', detail: 'kitchen' }),
      {
        qos: 1,
      },
    )
    const pump = await connectClient(first.mqttUrl, 'tb-01-pump-01', 's3cret-tb-01')
    await pump.publishAsync('fw/tower-b/tb-01-pump-01/event', JSON.stringify({ event: 'fault' }), { qos: 1 })
    const api = apiClient(first.httpUrl, 'brigade-token')
    const before = (await api.get('/api/v1/alerts')).body.alerts as { id: string; rule: string }[]
    expect(before.map((a) => a.rule).sort()).toEqual(['device.fault', 'device.fire_alarm'])
    const fire = before.find((a) => a.rule === 'device.fire_alarm')!
    expect((await api.post(`/api/v1/alerts/${fire.id}/ack`, { note: 'crew on the way' })).status).toBe(200)
    const fireBefore = (await api.get(`/api/v1/alerts/${fire.id}`)).body

    await first.kill9()
    await smoke.endAsync(true)
    await pump.endAsync(true)

    const second = await spawnTestGateway({ DATA_DIR: dataDir, ALERT_DB_SYNC: 'normal' })
    started.push(second)
    const api2 = apiClient(second.httpUrl, 'brigade-token')
    const fireAfter = (await api2.get(`/api/v1/alerts/${fire.id}`)).body
    expect(fireAfter).toEqual(fireBefore)
    expect(fireAfter.state).toBe('acknowledged')
    expect(fireAfter.history.map((h: { action: string }) => h.action)).toEqual(['opened', 'acknowledged'])
    expect(fireAfter.history[1]).toMatchObject({ actor: 'brigade', note: 'crew on the way' })
    const after = (await api2.get('/api/v1/alerts')).body.alerts as { id: string }[]
    expect(after.map((a) => a.id).sort()).toEqual(before.map((a) => a.id).sort())
    const { body } = await api2.get('/api/v1/buildings')
    expect(body.buildings.find((b: { id: string }) => b.id === 'tower-a').status).toBe('red')
    await second.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })
})
