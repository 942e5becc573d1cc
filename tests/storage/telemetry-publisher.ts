import type { MqttClient } from 'mqtt'
import { connectClient } from '../support/mqtt-peers.ts'

/** Devices of tests/fixtures/test-site.yaml whose rules ignore the metrics sent here. */
export const TELEMETRY_DEVICES = [
  { id: 'ta-12-smoke-01', building: 'tower-a', secret: 's3cret-ta-12' },
  { id: 'ta-12-smoke-02', building: 'tower-a', secret: 's3cret-ta-12b' },
  { id: 'ta-05-smoke-01', building: 'tower-a', secret: 's3cret-ta-05' },
  { id: 'tb-03-smoke-01', building: 'tower-b', secret: 's3cret-tb-03' },
  { id: 'ta-32-tank-01', building: 'tower-a', secret: 's3cret-ta-32' },
] as const

/** Ten metrics per message: one reading per metric, four measurements, seven channels. */
export const METRICS_PER_MESSAGE = 10

/**
 * Message `i` of a device: `ts` = base + i ms, so every series gets a distinct time per reading;
 * values in every metric's normal band (no alert is raised), and known, so their sum can be checked.
 */
export function telemetry(base: number, i: number): string {
  const t = (k: number) => 20 + ((i + k) % 50) / 10
  const channels = [0, 1, 2, 3, 4, 5, 6].map((k) => `"temperature_c:t${k}":${t(k)}`).join(',')
  const metrics = `"smoke_dbm":${(i % 10) / 1000},"battery_pct":${90 + (i % 10)},"rssi_dbm":${-60 - (i % 20)},${channels}`
  return `{"ts":${base + i},"seq":${i},"metrics":{${metrics}}}`
}

/** The sum of all values of messages 0 … n-1 of one device (see telemetry()). */
export function telemetrySum(n: number): number {
  let sum = 0
  for (let i = 0; i < n; i++) {
    sum += (i % 10) / 1000 + 90 + (i % 10) + (-60 - (i % 20))
    for (let k = 0; k < 7; k++) sum += 20 + ((i + k) % 50) / 10
  }
  return sum
}

export interface Publisher {
  clients: MqttClient[]
  /** Publishes messages `from` … `to`-1 of every device, QoS 1, at most `window` unacknowledged per device. */
  send(from: number, to: number): Promise<void>
  close(): Promise<void>
}

export async function connectPublisher(mqttUrl: string, base: number, window = 64): Promise<Publisher> {
  const clients = await Promise.all(TELEMETRY_DEVICES.map((d) => connectClient(mqttUrl, d.id, d.secret)))
  return {
    clients,
    send: (from, to) =>
      Promise.all(
        TELEMETRY_DEVICES.map((d, k) =>
          publishWindowed(clients[k]!, `fw/${d.building}/${d.id}/telemetry`, base, from, to, window),
        ),
      ).then(() => undefined),
    close: async () => {
      await Promise.all(clients.map((c) => c.endAsync()))
    },
  }
}

function publishWindowed(
  client: MqttClient,
  topic: string,
  base: number,
  from: number,
  to: number,
  window: number,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let next = from
    let inflight = 0
    const pump = (): void => {
      if (next === to && inflight === 0) {
        resolve()
        return
      }
      while (inflight < window && next < to) {
        inflight++
        client.publishAsync(topic, telemetry(base, next++), { qos: 1 }).then(() => {
          inflight--
          pump()
        }, reject)
      }
    }
    pump()
  })
}
