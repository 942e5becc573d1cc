import { afterEach, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway, tempDataDir } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { openLive } from '../support/sse-client.ts'

// The fire-aware rules and the windows API (docs/rules.md) on the real gateway: real MQTT, real HTTP.

const started: GatewayUnderTest[] = []
afterEach(async () => {
  for (const g of started.splice(0)) await g.stop()
})

async function gateway(dataDir?: string) {
  const g = await startTestGateway(dataDir ? { DATA_DIR: dataDir } : {})
  started.push(g)
  return g
}

async function fireAlarm(mqttUrl: string, device: string, secret: string) {
  const c = await connectClient(mqttUrl, device, secret)
  await c.publishAsync(`fw/tower-a/${device}/event`, JSON.stringify({ event: 'fire_alarm' }), { qos: 1 })
  await c.endAsync()
}

type AlertJson = Record<string, any>

describe('windows API', () => {
  it('When an admin opens a window, then it is listed with its end, shown on the building, and closes on DELETE', async () => {
    const g = await gateway()
    const admin = apiClient(g.httpUrl, 'admin-token')
    const opened = await admin.post('/api/v1/windows', {
      building: 'tower-a',
      floor: 12,
      reason: 'detector maintenance',
      durationMin: 30,
    })
    expect(opened.status).toBe(201)
    const w = opened.body
    expect(w).toMatchObject({ building: 'tower-a', floor: 12, zone: null, device: null, source: 'api' })
    expect(w).toMatchObject({ createdBy: 'admin', active: true, closedAt: null })
    expect(Date.parse(w.endsAt) - Date.parse(w.startsAt)).toBe(30 * 60_000)
    const brigade = apiClient(g.httpUrl, 'brigade-token')
    expect((await brigade.get('/api/v1/windows')).body.windows.map((x: AlertJson) => x.id)).toEqual([w.id])
    const buildings = (await brigade.get('/api/v1/buildings')).body.buildings as AlertJson[]
    expect(buildings.find((b) => b.id === 'tower-a')!.windows.map((x: AlertJson) => x.id)).toEqual([w.id])
    expect(buildings.find((b) => b.id === 'tower-b')!.windows).toEqual([])
    const live = await openLive(g.httpUrl, 'brigade-token')
    const snapshot = await live.next((e) => e.event === 'snapshot')
    const tiles = (snapshot.data as { buildings: AlertJson[] }).buildings
    expect(tiles.find((b) => b.id === 'tower-a')!.windows.map((x: AlertJson) => x.reason)).toEqual([
      'detector maintenance',
    ])
    live.close()
    const closed = await admin.del(`/api/v1/windows/${w.id}`)
    expect(closed.status).toBe(200)
    expect(closed.body.active).toBe(false)
    expect(closed.body.closedAt).not.toBeNull()
    expect((await brigade.get('/api/v1/windows?state=active')).body.windows).toEqual([])
  })

  it('When a manager or the brigade acts outside their rights, then 404; a bad body is 400 with the issues', async () => {
    const g = await gateway()
    const body = { building: 'tower-a', reason: 'test', durationMin: 10 }
    expect((await apiClient(g.httpUrl, 'manager-b-token').post('/api/v1/windows', body)).status).toBe(404)
    expect((await apiClient(g.httpUrl, 'brigade-token').post('/api/v1/windows', body)).status).toBe(404)
    const mgrA = apiClient(g.httpUrl, 'manager-a-token')
    const own = await mgrA.post('/api/v1/windows', body)
    expect(own.status).toBe(201)
    expect((await apiClient(g.httpUrl, 'manager-b-token').get('/api/v1/windows')).body.windows).toEqual([])
    expect((await apiClient(g.httpUrl, 'manager-b-token').del(`/api/v1/windows/${own.body.id}`)).status).toBe(
      404,
    )
    expect((await apiClient(g.httpUrl).get('/api/v1/windows')).status).toBe(401)
    const noReason = await mgrA.post('/api/v1/windows', { building: 'tower-a', durationMin: 10 })
    expect(noReason.status).toBe(400)
    expect(noReason.body.issues[0].path).toEqual(['reason'])
    const tooLong = await mgrA.post('/api/v1/windows', { ...body, durationMin: 7 * 24 * 60 })
    expect(tooLong.status).toBe(400)
    expect(tooLong.body.issues[0].message).toContain('at most 1440 min')
    const backwards = await mgrA.post('/api/v1/windows', {
      ...body,
      durationMin: undefined,
      startsAt: '2030-01-01T10:00:00Z',
      endsAt: '2030-01-01T09:00:00Z',
    })
    expect(backwards.status).toBe(400)
    const unknownDevice = await mgrA.post('/api/v1/windows', { ...body, device: 'tb-03-smoke-01' })
    expect(unknownDevice.status).toBe(400)
    const unknownZone = await mgrA.post('/api/v1/windows', { ...body, zone: '12-esat' })
    expect(unknownZone.body.issues[0].message).toBe('no zone 12-esat in tower-a')
  })

  it('When /docs is read, then the windows API and the new alert fields are described', async () => {
    const g = await gateway()
    const doc = (await apiClient(g.httpUrl).get('/docs')).body
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/windows', '/api/v1/windows/{id}']),
    )
    expect(Object.keys(doc.paths['/api/v1/windows'])).toEqual(['get', 'post'])
    expect(doc.components.schemas.Window.required).toContain('endsAt')
    expect(doc.components.schemas.WindowBody.required).toEqual(['building', 'reason'])
    const alert = doc.components.schemas.Alert
    expect(alert.required).toEqual(expect.arrayContaining(['scope', 'evidence', 'tags', 'groupedUnder']))
    expect(alert.properties.device.type).toEqual(['string', 'null'])
  })

  it('When the gateway restarts, then an open window is still there and still in force', async () => {
    const dataDir = tempDataDir()
    const first = await gateway(dataDir)
    const admin = apiClient(first.httpUrl, 'admin-token')
    const w = (
      await admin.post('/api/v1/windows', { building: 'tower-b', reason: 'pump test', durationMin: 60 })
    ).body
    await first.stop()
    started.splice(started.indexOf(first), 1)
    const second = await gateway(dataDir)
    const after = await apiClient(second.httpUrl, 'admin-token').get(`/api/v1/windows/${w.id}`)
    expect(after.body).toEqual(w)
  })
})

describe('fire-aware alerts on the gateway', () => {
  it('When two detectors of a zone alarm over MQTT, then a zone-level fire.confirmed alert with no device lists both', async () => {
    const g = await gateway()
    await fireAlarm(g.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    await fireAlarm(g.mqttUrl, 'ta-12-smoke-02', 's3cret-ta-12b')
    const brigade = apiClient(g.httpUrl, 'brigade-token')
    const confirmed = await waitFor(async () =>
      ((await brigade.get('/api/v1/alerts')).body.alerts as AlertJson[]).find(
        (a) => a.rule === 'fire.confirmed',
      ),
    )
    expect(confirmed).toMatchObject({
      class: 'fire',
      scope: 'zone',
      device: null,
      zone: '12-east',
      floor: 12,
    })
    expect(confirmed.evidence.map((e: AlertJson) => e.device).sort()).toEqual([
      'ta-12-smoke-01',
      'ta-12-smoke-02',
    ])
    const one = await brigade.get(`/api/v1/alerts/${confirmed.id}`)
    expect(one.body.history[0].action).toBe('opened')
    const tower = (await brigade.get('/api/v1/buildings/tower-a')).body
    expect(tower.status).toBe('red')
    // A manager of another building sees nothing of it.
    expect((await apiClient(g.httpUrl, 'manager-b-token').get(`/api/v1/alerts/${confirmed.id}`)).status).toBe(
      404,
    )
    // Resolving a zone alert re-arms it (no device to re-arm): 200, resolved.
    const resolved = await brigade.post(`/api/v1/alerts/${confirmed.id}/resolve`, { note: 'drill' })
    expect(resolved.body.state).toBe('resolved')
  })

  it('When a detector alarms inside a window, then its alert is tagged test; closing the window closes it', async () => {
    const g = await gateway()
    const admin = apiClient(g.httpUrl, 'admin-token')
    const w = (
      await admin.post('/api/v1/windows', { building: 'tower-a', zone: '12-east', reason: 'detector test' })
    ).body
    expect(Date.parse(w.endsAt) - Date.parse(w.startsAt)).toBe(240 * 60_000)
    await fireAlarm(g.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    const tagged = await waitFor(async () =>
      ((await admin.get('/api/v1/alerts')).body.alerts as AlertJson[]).find(
        (a) => a.rule === 'device.fire_alarm',
      ),
    )
    expect(tagged.tags).toEqual(['test'])
    const history = (await admin.get(`/api/v1/alerts/${tagged.id}`)).body.history as AlertJson[]
    expect(history.some((h) => h.action === 'notified' && h.note.includes('test'))).toBe(true)
    await admin.del(`/api/v1/windows/${w.id}`)
    const closed = (await admin.get(`/api/v1/alerts/${tagged.id}`)).body
    expect(closed.state).toBe('resolved')
    expect(closed.history.at(-1)).toMatchObject({ action: 'resolved', actor: 'system' })
    // After the window the same detector's alarm is real again: a new, untagged alert.
    await fireAlarm(g.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
    const real = await waitFor(async () =>
      ((await admin.get('/api/v1/alerts')).body.alerts as AlertJson[]).find(
        (a) => a.rule === 'device.fire_alarm' && a.id !== tagged.id,
      ),
    )
    expect(real.tags).toEqual([])
  })
})
