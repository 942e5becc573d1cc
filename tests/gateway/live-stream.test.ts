import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { openLive, type SseEvent } from '../support/sse-client.ts'

let gw: GatewayUnderTest
let towerA: MqttClient
let towerB: MqttClient

const fire = JSON.stringify({ event: 'fire_alarm', detail: 'test' })
const isAlertOf = (device: string) => (e: SseEvent) => e.event === 'alert' && e.data.alert.device === device

beforeAll(async () => {
  gw = await startTestGateway()
  towerA = await connectClient(gw.mqttUrl, 'ta-12-smoke-01', 's3cret-ta-12')
  towerB = await connectClient(gw.mqttUrl, 'tb-03-smoke-01', 's3cret-tb-03')
})

afterAll(async () => {
  await towerA?.endAsync()
  await towerB?.endAsync()
  await gw?.stop()
})

describe('GET /api/v1/live', () => {
  it('When the gateway serves the live feed, then /docs describes it', async () => {
    const doc = (await (await fetch(`${gw.httpUrl}/docs`)).json()) as { paths: Record<string, unknown> }
    expect(Object.keys(doc.paths)).toContain('/api/v1/live')
  })

  it('When no or a bad bearer token is sent, then 401', async () => {
    for (const token of [null, 'nope']) {
      const s = await openLive(gw.httpUrl, token)
      expect(s.status).toBe(401)
      s.close()
    }
  })

  it('When alerts change, then each role gets a scoped snapshot, numbered alert events and device frames', async () => {
    const brigade = await openLive(gw.httpUrl, 'brigade-token')
    const manager = await openLive(gw.httpUrl, 'manager-a-token')
    const snap = await manager.next((e) => e.event === 'snapshot')
    expect(snap.data.buildings.map((b: { id: string }) => b.id)).toEqual(['tower-a'])
    expect((await brigade.next((e) => e.event === 'snapshot')).data.buildings).toHaveLength(2)

    await towerB.publishAsync('fw/tower-b/tb-03-smoke-01/event', fire, { qos: 1 })
    await towerA.publishAsync('fw/tower-a/ta-12-smoke-01/event', fire, { qos: 1 })
    const b = await brigade.next(isAlertOf('tb-03-smoke-01'))
    const a = await brigade.next(isAlertOf('ta-12-smoke-01'))
    expect(a.id!).toBeGreaterThan(b.id!)
    expect(a.data.alert).toMatchObject({ class: 'fire', state: 'open', building: 'tower-a' })
    const frame = await manager.next((e) => e.event === 'devices')
    expect(frame.data.buildings).toEqual([expect.objectContaining({ id: 'tower-a', status: 'red' })])
    await manager.next(isAlertOf('ta-12-smoke-01'))
    // The manager of tower-a learns nothing of tower-b, in alerts or frames.
    const leaked = manager.events.filter((e) => JSON.stringify(e.data).includes('tower-b'))
    expect(leaked).toEqual([])
    brigade.close()
    manager.close()
  })

  it('When a client reconnects with Last-Event-ID, then it gets the transitions it missed, not a snapshot', async () => {
    const first = await openLive(gw.httpUrl, 'brigade-token')
    const snap = await first.next((e) => e.event === 'snapshot')
    first.close()
    // Missed while disconnected: an acknowledgement through the API.
    const active = snap.data.alerts.find((x: { device: string }) => x.device === 'ta-12-smoke-01')
    const ack = await fetch(`${gw.httpUrl}/api/v1/alerts/${active.id}/ack`, {
      method: 'POST',
      headers: { authorization: 'Bearer brigade-token' },
    })
    expect(ack.status).toBe(200)
    await ack.json()
    const resumed = await openLive(gw.httpUrl, 'brigade-token', snap.id!)
    const missed = await resumed.next(isAlertOf('ta-12-smoke-01'))
    expect(missed.data).toMatchObject({ action: 'acknowledged', alert: { state: 'acknowledged' } })
    expect(missed.id).toBe(snap.id! + 1)
    expect(resumed.events.some((e) => e.event === 'snapshot')).toBe(false)
    resumed.close()
  })

  it('When Last-Event-ID is older than the replay log or unknown, then a fresh snapshot comes', async () => {
    for (const id of [1, Number.MAX_SAFE_INTEGER]) {
      const s = await openLive(gw.httpUrl, 'brigade-token', id)
      const snap = await s.next((e) => e.event === 'snapshot')
      expect(snap.data.alerts.length).toBeGreaterThan(0)
      // The devices the alerts name come with them: the wall names an incident's device at once.
      const named = new Set(snap.data.alerts.map((a: { device: string | null }) => a.device))
      const labels = snap.data.devices
        .filter((d: { id: string }) => named.has(d.id))
        .map((d: { id: string; label: string }) => [d.id, d.label])
      expect(labels).toEqual(
        expect.arrayContaining([
          ['ta-12-smoke-01', 'Kitchen corridor, 12F east'],
          ['tb-03-smoke-01', 'Corridor 3F east'],
        ]),
      )
      s.close()
    }
  })

  it('When a test window is opened or closed through the API, then the wall gets its building with the window, without a device message', async () => {
    const s = await openLive(gw.httpUrl, 'brigade-token')
    await s.next((e) => e.event === 'snapshot')
    const admin = { authorization: 'Bearer admin-token', 'content-type': 'application/json' }
    const body = JSON.stringify({ building: 'tower-b', floor: 3, reason: 'detector test', durationMin: 30 })
    const res = await fetch(`${gw.httpUrl}/api/v1/windows`, { method: 'POST', headers: admin, body })
    expect(res.status).toBe(201)
    const opened = (await res.json()) as { id: string }
    const windowsOf = (e: SseEvent) =>
      e.data.buildings
        ?.find((b: { id: string }) => b.id === 'tower-b')
        ?.windows?.map((w: { id: string }) => w.id)
        .join(',')
    const shown = await s.next((e) => e.event === 'devices' && windowsOf(e) === opened.id)
    expect(shown.data.buildings.map((b: { id: string }) => b.id)).toEqual(['tower-b'])
    const closed = await fetch(`${gw.httpUrl}/api/v1/windows/${opened.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer admin-token' },
    })
    expect(closed.status).toBe(200)
    await s.next((e) => e.event === 'devices' && windowsOf(e) === '')
    s.close()
  })
})
