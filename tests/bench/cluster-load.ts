import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import mqtt, { type MqttClient } from 'mqtt'

// The cluster bench's site and devices (docs/cluster.md "Figures"): load devices that send quiet
// readings QoS 1 at a paced rate, and probe smoke detectors that each send one fire_alarm event,
// whose committed alert transition is timed.

export interface ClusterBenchSite {
  file: string
  buildings: string[]
  load: BenchDevice[]
  probes: BenchDevice[]
}

export interface BenchDevice {
  id: string
  building: string
  secret: string
}

export function writeClusterBenchSite(
  dir: string,
  buildings: number,
  loadPerBuilding: number,
  probesPerBuilding: number,
): ClusterBenchSite {
  const ids = Array.from({ length: buildings }, (_, i) => `bb-${i}`)
  const devices = (kind: string, per: number) =>
    ids.flatMap((building) =>
      Array.from({ length: per }, (_, i) => {
        const id = `${building}-${kind}-${i}`
        return { id, building, secret: `secret-${id}` }
      }),
    )
  const load = devices('load', loadPerBuilding)
  const probes = devices('probe', probesPerBuilding)
  const lines = [
    'site: { name: Cluster Bench, timezone: Asia/Shanghai, offlineGraceSec: 600 }',
    'buildings:',
    ...ids.map((b) => `  - { id: ${b}, name: ${b}, floors: 4 }`),
    'devices:',
    ...[...load, ...probes].map(
      (d) =>
        `  - { id: ${d.id}, building: ${d.building}, floor: 1, zone: 1-z, kind: smoke_detector, label: "${d.id}", secret: ${d.secret} }`,
    ),
  ]
  const file = join(dir, 'cluster-bench-site.yaml')
  writeFileSync(file, `${lines.join('\n')}\n`)
  return { file, buildings: ids, load, probes }
}

/** A device client that moves to the next node when its node goes away, resending what was not PUBACKed. */
export function connectBenchDevice(device: BenchDevice, ports: number[]): Promise<MqttClient> {
  return mqtt.connectAsync(`mqtt://127.0.0.1:${ports[0]}`, {
    username: device.id,
    password: device.secret,
    clientId: device.id,
    servers: ports.map((port) => ({ host: '127.0.0.1', port })),
    reconnectPeriod: 100,
    connectTimeout: 5_000,
    keepalive: 5,
  })
}

/** Connects devices a few at a time (bounded), device i to node i mod nodes first. */
export async function connectAll(devices: BenchDevice[], ports: number[]): Promise<MqttClient[]> {
  const clients: MqttClient[] = []
  for (let i = 0; i < devices.length; i += 20) {
    const batch = devices.slice(i, i + 20)
    clients.push(
      ...(await Promise.all(
        batch.map((d, j) => {
          const first = (i + j) % ports.length
          return connectBenchDevice(d, [...ports.slice(first), ...ports.slice(0, first)])
        }),
      )),
    )
  }
  return clients
}

/** PUBACKs per second: when each arrived (ms, performance.now()), to cut a window from. */
export class AckCounter {
  readonly at: number[] = []
  add(t: number): void {
    this.at.push(t)
  }
  ratePerSec(from: number, to: number): number {
    return (this.at.filter((t) => t >= from && t < to).length * 1000) / (to - from)
  }
}

/**
 * Every load device publishes a quiet reading QoS 1 each `periodMs` (waiting for the PUBACK
 * before the next: a device's in-flight window of one), until `until` (performance.now()).
 */
export function paceReadings(
  clients: MqttClient[],
  devices: BenchDevice[],
  periodMs: number,
  until: number,
  acks: AckCounter,
): Promise<void> {
  return Promise.all(
    clients.map(async (client, i) => {
      const d = devices[i]!
      const topic = `fw/${d.building}/${d.id}/telemetry`
      let next = performance.now() + (periodMs * i) / clients.length
      for (let seq = 1; next < until && performance.now() < until; seq++) {
        const wait = next - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
        const body = `{"seq":${seq},"metrics":{"smoke_dbm":0.02,"battery_pct":80}}`
        const acked = await client.publishAsync(topic, body, { qos: 1 }).then(
          () => true,
          () => false,
        )
        if (acked) acks.add(performance.now())
        next = periodMs > 0 ? next + periodMs : performance.now()
      }
    }),
  ).then(() => {})
}
