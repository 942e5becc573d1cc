import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { apiClient, waitFor } from '../support/api-client.ts'
import { type GatewayUnderTest, startTestGateway } from '../support/gateway-launcher.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import { openLive, type SseStream } from '../support/sse-client.ts'

let gw: GatewayUnderTest
let brigadeFeed: MqttClient
let managerFeed: MqttClient
let brigadeInbox: Inbox
let managerInbox: Inbox
let live: SseStream
const brigade = () => apiClient(gw.httpUrl, 'brigade-token')

async function fireAlarm(device: string, building: string, secret: string): Promise<void> {
  const client = await connectClient(gw.mqttUrl, device, secret)
  await client.publishAsync(`fw/${building}/${device}/event`, JSON.stringify({ event: 'fire_alarm' }), {
    qos: 1,
  })
  await client.endAsync()
}

async function incidentOf(device: string) {
  return waitFor(async () => {
    const { body } = await brigade().get('/api/v1/alerts?state=all')
    const alert = body.alerts.find((a: { device: string }) => a.device === device)
    return alert?.incident ? (await brigade().get(`/api/v1/incidents/${alert.incident}`)).body : null
  })
}

beforeAll(async () => {
  gw = await startTestGateway()
  brigadeFeed = await connectClient(gw.mqttUrl, 'brigade', 'brigade-token')
  managerFeed = await connectClient(gw.mqttUrl, 'mgr-b', 'manager-b-token')
  brigadeInbox = new Inbox(brigadeFeed)
  managerInbox = new Inbox(managerFeed)
  await brigadeFeed.subscribeAsync('fw/tower-a/incidents')
  await managerFeed.subscribeAsync('fw/+/incidents')
  live = await openLive(gw.httpUrl, 'brigade-token')
})
afterAll(async () => {
  live?.close()
  await brigadeFeed?.endAsync(true)
  await managerFeed?.endAsync(true)
  await gw?.stop()
})

describe('Incidents over HTTP, MQTT and the live stream', () => {
  it('When two detectors of one building report fire, then one incident holds both, on every feed', async () => {
    await fireAlarm('ta-12-smoke-01', 'tower-a', 's3cret-ta-12')
    await fireAlarm('ta-05-smoke-01', 'tower-a', 's3cret-ta-05')
    const incident = await waitFor(async () => {
      const found = await incidentOf('ta-05-smoke-01')
      return found?.alerts.length === 2 ? found : null
    })
    expect(incident).toMatchObject({ building: 'tower-a', class: 'fire', state: 'open', floors: [12, 5] })
    expect(incident.members.map((a: { device: string }) => a.device).sort()).toEqual([
      'ta-05-smoke-01',
      'ta-12-smoke-01',
    ])
    expect(incident.timeline.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['opened', 'member_added', 'floor_reached']),
    )
    const { body } = await brigade().get('/api/v1/incidents?building=tower-a')
    expect(body.incidents.map((i: { id: string }) => i.id)).toEqual([incident.id])
    const mqtt = await brigadeInbox.next(
      (m) => m.body.id === incident.id && m.body.transition === 'floor_reached',
    )
    expect(mqtt.topic).toBe('fw/tower-a/incidents')
    await live.next((e) => e.event === 'incident' && e.data.incident.id === incident.id)
  })

  it('When a manager of another building asks for the incident, then it does not exist for them', async () => {
    const incident = await incidentOf('ta-12-smoke-01')
    const manager = apiClient(gw.httpUrl, 'manager-b-token')
    expect((await manager.get(`/api/v1/incidents/${incident.id}`)).status).toBe(404)
    expect((await manager.post(`/api/v1/incidents/${incident.id}/ack`, {})).status).toBe(404)
    expect((await manager.get('/api/v1/incidents?building=tower-a')).status).toBe(404)
    expect(managerInbox.messages.some((m) => m.topic === 'fw/tower-a/incidents')).toBe(false)
  })

  it('When a fire incident is resolved without a disposition, then it is a 400 naming the field, and it stays open', async () => {
    const incident = await incidentOf('ta-12-smoke-01')
    const res = await brigade().post(`/api/v1/incidents/${incident.id}/resolve`, { note: 'out' })
    expect(res.status).toBe(400)
    expect(res.body.issues).toEqual([expect.objectContaining({ path: ['disposition'] })])
    const bad = await brigade().post(`/api/v1/incidents/${incident.id}/resolve`, { disposition: 'arson?' })
    expect(bad.status).toBe(400)
    expect((await brigade().get(`/api/v1/incidents/${incident.id}`)).body.state).toBe('open')
  })

  it('When the incident is acknowledged, then every member is; a repeat changes nothing', async () => {
    const incident = await incidentOf('ta-12-smoke-01')
    const acked = await brigade().post(`/api/v1/incidents/${incident.id}/ack`, { note: 'crew on the way' })
    expect(acked.body).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'brigade' })
    const again = await brigade().post(`/api/v1/incidents/${incident.id}/ack`, { note: 'crew on the way' })
    expect(again.body.acknowledgedAt).toBe(acked.body.acknowledgedAt)
    const detail = (await brigade().get(`/api/v1/incidents/${incident.id}`)).body
    expect(detail.members.every((a: { state: string }) => a.state === 'acknowledged')).toBe(true)
    expect(detail.timeline.filter((e: { note: string }) => e.note === 'crew on the way')).toHaveLength(1)
  })

  it('When the last member alert is resolved through the alert API, then the incident resolves with disposition unknown', async () => {
    const incident = await incidentOf('ta-12-smoke-01')
    for (const id of incident.alerts) await brigade().post(`/api/v1/alerts/${id}/resolve`, {})
    const after = (await brigade().get(`/api/v1/incidents/${incident.id}`)).body
    expect(after.state).toBe('resolved')
    expect(after.disposition).toMatchObject({ kind: 'unknown', by: 'brigade' })
  })

  it('When a false alarm is resolved with its cause, then the disposition keeps who, why and what', async () => {
    await fireAlarm('tb-03-smoke-01', 'tower-b', 's3cret-tb-03')
    const incident = await incidentOf('tb-03-smoke-01')
    const manager = apiClient(gw.httpUrl, 'manager-b-token')
    const res = await manager.post(`/api/v1/incidents/${incident.id}/resolve`, {
      disposition: 'false_alarm',
      cause: 'steam',
      note: 'shower steam',
    })
    expect(res.body).toMatchObject({
      state: 'resolved',
      disposition: { kind: 'false_alarm', cause: 'steam', by: 'mgr-b' },
    })
    await managerInbox.next((m) => m.body.id === incident.id && m.body.transition === 'resolved')
  })
})
