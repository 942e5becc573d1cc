import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { JsMsg } from '@nats-io/jetstream'
import mqtt, { type MqttClient } from 'mqtt'
import { createAlarmPath } from '../../alerting/alarm-path.ts'
import { createDeterministicIds } from '../../alerting/alert-id.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import { partitionOf } from '../../gateway/cluster/partition.ts'
import { SiteModel } from '../../ingest/site/site-model.ts'

// The deterministic input of the cluster tests and the alarm path's answer to it, computed here
// in virtual time, independently of the nodes under test.

export const BUILDINGS = ['b-north', 'b-south', 'b-east', 'b-west']
export const DEVICES_PER_BUILDING = 3
/** CLUSTER_PARTITIONS of the nodes under test. */
export const PARTITIONS = 8
export const MESSAGES_PER_DEVICE = 40

export interface TestDevice {
  id: string
  building: string
  secret: string
}

export const DEVICES: TestDevice[] = BUILDINGS.flatMap((building) =>
  Array.from({ length: DEVICES_PER_BUILDING }, (_, i) => {
    const id = `${building}-smoke-${i}`
    return { id, building, secret: `secret-${id}` }
  }),
)

export function writeClusterSite(dir: string): string {
  const lines = [
    'site: { name: Cluster Estate, timezone: Asia/Shanghai, offlineGraceSec: 60 }',
    'buildings:',
    ...BUILDINGS.map((b) => `  - { id: ${b}, name: ${b}, floors: 4 }`),
    'devices:',
    ...DEVICES.map(
      (d) =>
        `  - { id: ${d.id}, building: ${d.building}, floor: 1, zone: 1-z, kind: smoke_detector, label: "${d.id}", secret: ${d.secret} }`,
    ),
  ]
  const file = join(dir, 'cluster-site.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return file
}

/**
 * Message `seq` of device number `index`: the battery dips below 15 % for three of every ten
 * messages (battery.low raises and clears, a new alert each time), and every third device's smoke
 * goes over the alarm threshold from message 8 on (smoke.alarm, a latched fire alert). Both are
 * active across the kill of the cluster test: a new owner that had not rebuilt the rule state
 * would raise them again.
 */
export function payloadOf(index: number, seq: number): string {
  const battery = seq % 10 < 3 ? 10 : 60
  const smoke = index % 3 === 0 && seq >= 8 ? 0.3 : 0.02
  return JSON.stringify({ seq, metrics: { smoke_dbm: smoke, battery_pct: battery } })
}

/** A device client that moves to the next node when its node goes away, resending what was not PUBACKed. */
export function connectDevice(device: TestDevice, ports: number[]): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${ports[0]}`, {
    username: device.id,
    password: device.secret,
    clientId: device.id,
    servers: ports.map((port) => ({ host: '127.0.0.1', port })),
    reconnectPeriod: 100,
    connectTimeout: 5_000,
    // A node that is frozen (SIGSTOP) keeps the socket open: a missing PINGRESP tells the device.
    keepalive: 1,
  })
}

/** Publishes messages `from`..`to` of one device, each QoS 1, one after the other; returns the PUBACKed ids. */
export async function publishRange(
  client: MqttClient,
  index: number,
  from: number,
  to: number,
): Promise<string[]> {
  const device = DEVICES[index]!
  const acked: string[] = []
  for (let seq = from; seq <= to; seq++) {
    await client.publishAsync(`fw/${device.building}/${device.id}/telemetry`, payloadOf(index, seq), {
      qos: 1,
    })
    acked.push(`${device.id}:${seq}`)
  }
  return acked
}

export interface TransitionRow {
  alert_id: string
  seq: number
  action: string
  at: number
  rule: string
  device: string | null
  state: string
}

/**
 * The alert transitions that the alarm path (alerting/alarm-path.ts) makes of the stream's
 * messages: each partition on its own, in stream order, its clock moved only by the messages'
 * receipt times and ticked at each new second, ids from the partition's deterministic source.
 */
export function referenceTransitions(site: SiteModel, messages: JsMsg[]): TransitionRow[] {
  const byPartition = new Map<number, JsMsg[]>()
  for (const m of messages) {
    const p = Number(m.subject.split('.')[2]!.slice(1))
    byPartition.set(p, [...(byPartition.get(p) ?? []), m])
  }
  return [...byPartition].flatMap(([p, msgs]) => partitionReference(site, p, msgs))
}

/** The partition's alarm path, built at the time of its first message, over its buildings only. */
function partitionPath(site: SiteModel, partition: number, clock: { now(): number }) {
  const mine = (building: string) => partitionOf(building, PARTITIONS) === partition
  const own = new SiteModel({
    ...site.file,
    buildings: site.file.buildings.filter((b) => mine(b.id)),
    devices: site.file.devices.filter((d) => mine(d.building)),
  })
  const alertIds = createDeterministicIds(`p${partition}/alert`)
  const incidentIds = createDeterministicIds(`p${partition}/incident`)
  return createAlarmPath({
    site: own,
    store: AlertStore.open(':memory:'),
    clock,
    log: { info() {}, warn() {}, error() {}, debug() {} },
    ids: { alert: (t) => alertIds.next(t), incident: (t) => incidentIds.next(t) },
  })
}

function partitionReference(site: SiteModel, partition: number, messages: JsMsg[]): TransitionRow[] {
  let now = 0
  const first = messages[0]!.json<{ readings: { receivedAt: number }[] }>()
  now = Math.max(...first.readings.map((r) => r.receivedAt))
  const path = partitionPath(site, partition, { now: () => now })
  const rows: TransitionRow[] = []
  const counts = new Map<string, number>()
  path.observe({
    afterTransition: (t) => {
      const seq = (counts.get(t.alert.id) ?? 0) + 1
      counts.set(t.alert.id, seq)
      rows.push({
        alert_id: t.alert.id,
        seq,
        action: t.action,
        at: t.at,
        rule: t.alert.rule,
        device: t.alert.device,
        state: t.alert.state,
      })
    },
  })
  for (const m of messages) {
    const body = m.json<{
      kind: string
      readings: Parameters<NonNullable<typeof path.sink.readingsAccepted>>[0]
    }>()
    if (body.kind !== 'readings') throw new Error(`the test sends readings only, not ${body.kind}`)
    const at = Math.max(...body.readings.map((r) => r.receivedAt))
    if (at > now) {
      const newSecond = Math.floor(at / 1000) > Math.floor(now / 1000)
      now = at
      if (newSecond) path.tick(at)
    }
    path.sink.readingsAccepted!(body.readings)
  }
  return rows
}

export function sortRows(rows: TransitionRow[]): TransitionRow[] {
  return [...rows].sort((a, b) =>
    a.alert_id === b.alert_id ? a.seq - b.seq : a.alert_id < b.alert_id ? -1 : 1,
  )
}
