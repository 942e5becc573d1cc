import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Alert } from '../../alerting/alert.ts'
import type { BuildingDetail, BuildingSummary } from '../../gateway/live/live-state.ts'
import type { Reading } from '../../ingest/reading.ts'
import { ADMIN, BRIGADE, createHarness, type Harness, MANAGER_A, T0 } from './http-harness.ts'

let h: Harness
let fireA: Alert

beforeEach(async () => {
  h = await createHarness()
  fireA = h.raise('ta-12-smoke-01', 'device.fire_alarm', 'fire', T0)
  h.raise('ta-12-smoke-02', 'device.fault', 'fault', T0 + 1000)
  h.raise('tb-03-smoke-01', 'smoke.prealarm', 'warning', T0 + 2000)
  h.raise('tc-01-pump-01', 'device.offline', 'offline', T0 + 3000)
})
afterEach(async () => {
  await h.close()
})

const get = (url: string, headers: Record<string, string> = BRIGADE) =>
  h.app.inject({ method: 'GET', url, headers })
const statuses = (list: BuildingSummary[]) => Object.fromEntries(list.map((b) => [b.id, b.status]))

function reading(device: string, metric: string, value: number, ts: number): Reading {
  const d = h.site.device(device)!
  const family = metric.split(':')[0] as Reading['family']
  const channel = metric.includes(':') ? metric.split(':')[1]! : null
  const base = { device, building: d.building, floor: d.floor, zone: d.zone, kind: d.kind }
  return { ...base, metric, family, channel, value, ts, receivedAt: ts + 5, seq: null }
}

/** Devices that have reported lately: only these may be green. */
function hearFrom(...devices: string[]): void {
  for (const d of devices) h.live.readingAccepted(reading(d, 'battery_pct', 97, T0))
}

describe('GET /api/v1/buildings', () => {
  it('When alerts of every class are active, then buildings are red, yellow, grey and green', async () => {
    hearFrom('ta-12-smoke-01', 'ta-b1-elec-01', 'td-02-smoke-01')
    const res = await get('/api/v1/buildings')
    expect(res.statusCode).toBe(200)
    const list: BuildingSummary[] = res.json().buildings
    expect(statuses(list)).toEqual({
      'tower-a': 'red',
      'tower-b': 'yellow',
      'tower-c': 'grey',
      'tower-d': 'green',
    })
    expect(list[0]).toEqual({
      id: 'tower-a',
      name: 'Tower A',
      status: 'red',
      counts: { red: 1, yellow: 1, grey: 0, green: 1, unknown: 0, alerts: 2 },
      watch: null,
    })
    expect(list[3]?.counts).toEqual({ red: 0, yellow: 0, grey: 0, green: 1, unknown: 0, alerts: 0 })
  })

  it('When a building’s devices have not reported, then it is unknown, never green, and counts them', async () => {
    const list: BuildingSummary[] = (await get('/api/v1/buildings')).json().buildings
    // Alerts still decide: tower-a is red though its switchboard has never reported.
    expect(statuses(list)).toMatchObject({ 'tower-a': 'red', 'tower-d': 'unknown' })
    expect(list.find((b) => b.id === 'tower-a')?.counts).toMatchObject({ red: 1, unknown: 1 })
    expect(list.find((b) => b.id === 'tower-d')?.counts).toEqual({
      red: 0,
      yellow: 0,
      grey: 0,
      green: 0,
      unknown: 1,
      alerts: 0,
    })
    const detail: BuildingDetail = (await get('/api/v1/buildings/tower-d')).json()
    expect(detail.status).toBe('unknown')
    expect(detail.floors.flatMap((f) => f.zones).flatMap((z) => z.devices)[0]).toMatchObject({
      id: 'td-02-smoke-01',
      status: 'unknown',
      lastSeenAt: null,
      silenceAllowedMs: 180_000,
    })

    hearFrom('td-02-smoke-01')
    const after: BuildingSummary[] = (await get('/api/v1/buildings')).json().buildings
    expect(after.find((b) => b.id === 'tower-d')).toMatchObject({
      status: 'green',
      counts: { green: 1, unknown: 0 },
    })
  })

  it('When a manager lists buildings, then only their own come back; admin sees all', async () => {
    expect(
      (await get('/api/v1/buildings', MANAGER_A)).json().buildings.map((b: BuildingSummary) => b.id),
    ).toEqual(['tower-a'])
    expect((await get('/api/v1/buildings', ADMIN)).json().buildings).toHaveLength(4)
  })

  it('When the fire alert is resolved over the API, then the building turns from red to yellow', async () => {
    hearFrom('ta-12-smoke-01', 'ta-b1-elec-01')
    await h.app.inject({ method: 'POST', url: `/api/v1/alerts/${fireA.id}/resolve`, headers: BRIGADE })
    const list: BuildingSummary[] = (await get('/api/v1/buildings')).json().buildings
    expect(list[0]).toMatchObject({ status: 'yellow', counts: { red: 0, yellow: 1, green: 2, alerts: 1 } })
  })

  it('When an alert is acknowledged, then the building stays red and the device shows the new state', async () => {
    await h.app.inject({ method: 'POST', url: `/api/v1/alerts/${fireA.id}/ack`, headers: MANAGER_A })
    const detail: BuildingDetail = (await get('/api/v1/buildings/tower-a')).json()
    expect(detail.status).toBe('red')
    const device = detail.floors.flatMap((f) => f.zones).flatMap((z) => z.devices)[0]
    expect(device?.activeAlerts).toEqual([
      { id: fireA.id, class: 'fire', rule: 'device.fire_alarm', state: 'acknowledged' },
    ])
  })
})

describe('GET /api/v1/buildings/:id', () => {
  it('When a building is asked for, then floors run top to bottom with zones, devices and latest values', async () => {
    h.live.readingAccepted(reading('ta-12-smoke-01', 'smoke_dbm', 0.31, T0 + 10))
    hearFrom('ta-b1-elec-01')
    const res = await get('/api/v1/buildings/tower-a', MANAGER_A)
    expect(res.statusCode).toBe(200)
    const detail: BuildingDetail = res.json()
    expect(detail.floors.map((f) => f.label)).toEqual([
      ...Array.from({ length: 20 }, (_, i) => `${20 - i}F`),
      'B1',
    ])
    const twelve = detail.floors.find((f) => f.floor === 12)!
    expect(twelve.zones.map((z) => z.zone)).toEqual(['12-east', '12-west'])
    expect(twelve.zones[0]?.devices[0]).toMatchObject({
      id: 'ta-12-smoke-01',
      kind: 'smoke_detector',
      status: 'red',
      online: true,
      lastSeenAt: T0 + 15,
      latest: { smoke_dbm: { value: 0.31, ts: T0 + 10 } },
    })
    expect(twelve.zones[1]?.devices[0]).toMatchObject({
      id: 'ta-12-smoke-02',
      status: 'yellow',
      online: null,
    })
    expect(detail.floors.at(-1)?.zones[0]?.devices[0]).toMatchObject({ id: 'ta-b1-elec-01', status: 'green' })
  })

  it('When a manager asks for another building or an unknown one, then 404', async () => {
    expect((await get('/api/v1/buildings/tower-b', MANAGER_A)).statusCode).toBe(404)
    expect((await get('/api/v1/buildings/tower-zz', MANAGER_A)).statusCode).toBe(404)
    expect((await get('/api/v1/buildings/tower-zz')).statusCode).toBe(404)
    expect((await get('/api/v1/buildings/tower-b')).statusCode).toBe(200)
  })
})

describe('GET /api/v1/devices/:id/readings', () => {
  beforeEach(async () => {
    const readings = [
      reading('ta-b1-elec-01', 'temperature_c:l1', 41, T0 + 100),
      reading('ta-b1-elec-01', 'temperature_c:l2', 43, T0 + 200),
      reading('ta-b1-elec-01', 'residual_current_ma', 120, T0 + 300),
      reading('ta-b1-elec-01', 'temperature_c:l1', 42, T0 + 400),
      reading('ta-12-smoke-01', 'smoke_dbm', 0.02, T0 + 400),
    ]
    const outcome = await h.readings.write(readings.map((r) => h.readings.encode(r)))
    expect(outcome).toEqual({ status: 'written' })
  })

  it('When readings are asked for, then the device’s history comes back from the store, in time order', async () => {
    const res = await get('/api/v1/devices/ta-b1-elec-01/readings', MANAGER_A)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      device: 'ta-b1-elec-01',
      source: 'sqlite',
      from: T0 + 3000 - 24 * 3_600_000,
      to: T0 + 3000,
      step: null,
      truncated: false,
      readings: [
        { metric: 'temperature_c:l1', value: 41, ts: T0 + 100 },
        { metric: 'temperature_c:l2', value: 43, ts: T0 + 200 },
        { metric: 'residual_current_ma', value: 120, ts: T0 + 300 },
        { metric: 'temperature_c:l1', value: 42, ts: T0 + 400 },
      ],
    })
  })

  it('When filtered by metric family, channel or time, then only matching values come back', async () => {
    const metrics = async (query: string) =>
      (await get(`/api/v1/devices/ta-b1-elec-01/readings?${query}`))
        .json()
        .readings.map((r: { metric: string }) => r.metric)
    expect(await metrics('metric=temperature_c')).toEqual([
      'temperature_c:l1',
      'temperature_c:l2',
      'temperature_c:l1',
    ])
    expect(await metrics('metric=temperature_c:l1')).toEqual(['temperature_c:l1', 'temperature_c:l1'])
    expect(await metrics(`from=${T0 + 250}&to=${T0 + 350}`)).toEqual(['residual_current_ma'])
  })

  it('When a step is given, then each value is the mean per step, at the step’s start', async () => {
    const res = await get(`/api/v1/devices/ta-b1-elec-01/readings?metric=temperature_c&from=${T0}&step=1s`)
    expect(res.json()).toMatchObject({
      step: 1000,
      readings: [
        { metric: 'temperature_c:l1', value: 41.5, ts: T0 },
        { metric: 'temperature_c:l2', value: 43, ts: T0 },
      ],
    })
  })

  it.each([
    ['metric=smoke', 'metric'],
    ['from=noon', 'from'],
    [`from=${T0 + 10}&to=${T0}`, 'from'],
    ['limit=3', undefined],
    ['step=often', 'step'],
    [`from=${T0}&to=${T0 + 86_400_000}&step=1ms`, 'step'],
  ])('When the query has %s, then 400 with zod issues', async (query, field) => {
    const res = await get(`/api/v1/devices/ta-b1-elec-01/readings?${query}`)
    expect(res.statusCode).toBe(400)
    expect(res.json().error).toBe('FGW_ERR_HTTP_VALIDATION')
    if (field) expect(res.json().issues[0].path).toEqual([field])
  })

  it('When a manager asks for another building’s device or an unknown one, then 404', async () => {
    expect((await get('/api/v1/devices/tb-03-smoke-01/readings', MANAGER_A)).statusCode).toBe(404)
    expect((await get('/api/v1/devices/tb-03-smoke-01', MANAGER_A)).statusCode).toBe(404)
    expect((await get('/api/v1/devices/nope/readings')).statusCode).toBe(404)
    expect((await get('/api/v1/devices/tb-03-smoke-01/readings')).json()).toMatchObject({
      device: 'tb-03-smoke-01',
      source: 'sqlite',
      readings: [],
    })
  })

  it('When one device is asked for, then its view has status, latest values and active alerts', async () => {
    const res = await get('/api/v1/devices/ta-12-smoke-01', MANAGER_A)
    expect(res.json()).toMatchObject({
      id: 'ta-12-smoke-01',
      status: 'red',
      activeAlerts: [{ id: fireA.id }],
    })
  })
})
