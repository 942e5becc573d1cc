import { randomBytes } from 'node:crypto'
import { connectAsync, type IClientOptions } from 'mqtt'
import { deviceTopic } from '../../ingest/topics.ts'
import type { ProbeLogin } from './self-test-site.ts'

/** Where the probe reaches the gateway's own broker, over loopback. */
export interface ProbeTarget {
  url: string
  /** TLS listener: the gateway's own certificate need not name the loopback address. */
  tls: boolean
}

/** The gateway's own broker over loopback: the plain listener if on, else the TLS one. */
export function probeTarget(
  ports: { mqttPort: number | null; mqttTlsPort: number | null },
  bindHost: string,
): ProbeTarget | null {
  const anyAddress = bindHost === '0.0.0.0' || bindHost === '::'
  const host = anyAddress ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost
  if (ports.mqttPort !== null) return { url: `mqtt://${host}:${ports.mqttPort}`, tls: false }
  if (ports.mqttTlsPort !== null) return { url: `mqtts://${host}:${ports.mqttTlsPort}`, tls: true }
  return null
}

/**
 * The probe does what a smoke detector does when it goes into alarm: it logs in over a real MQTT
 * connection, publishes a `fire_alarm` event at QoS 1 and waits for the PUBACK. Returns when the
 * gateway took the message; throws (with the stage that failed) when it could not.
 */
export async function sendTestAlarm(
  target: ProbeTarget,
  login: ProbeLogin,
  at: number,
  timeoutMs: number,
): Promise<void> {
  const options: IClientOptions = {
    username: login.username,
    password: login.password,
    // `<device>:…` ids belong to the device's login (README "MQTT behaviour worth knowing").
    clientId: `${login.username}:${randomBytes(4).toString('hex')}`,
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: timeoutMs,
    ...(target.tls ? { rejectUnauthorized: false } : {}),
  }
  let client: Awaited<ReturnType<typeof connectAsync>>
  try {
    client = await connectAsync(target.url, options)
  } catch (err) {
    throw new Error(`probe could not log in to the broker: ${(err as Error).message}`)
  }
  try {
    const payload = JSON.stringify({ ts: at, event: 'fire_alarm', detail: 'gateway self-test' })
    await withTimeout(
      client.publishAsync(deviceTopic(login.building, login.username, 'event'), payload, { qos: 1 }),
      timeoutMs,
      'the broker did not acknowledge the test alarm',
    )
  } finally {
    await client.endAsync(true).catch(() => undefined)
  }
}

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
