import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import mqtt, { type MqttClient } from 'mqtt'
import { apiClient, metricValue, waitFor } from '../support/api-client.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { type RawMqtt, rawMqtt } from '../support/raw-mqtt.ts'

/** A raw MQTT 3.1.1 login; the CONNACK's return code and session-present flag. */
export async function rawConnect(
  port: number,
  login: { username: string; password: string; clientId: string; clean: boolean },
): Promise<{ raw: RawMqtt; code: number | 'closed'; sessionPresent: boolean }> {
  const raw = await rawMqtt(port)
  raw.send({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: login.clean,
    keepalive: 60,
    clientId: login.clientId,
    username: login.username,
    password: Buffer.from(login.password),
  })
  const connack = (await raw.next('connack', 10_000)) as {
    returnCode?: number
    sessionPresent?: boolean
  } | null
  return { raw, code: connack?.returnCode ?? 'closed', sessionPresent: connack?.sessionPresent ?? false }
}

/** A QoS 2 PUBLISH; the test decides whether a PUBREL ever follows (here: never). */
export function publishQos2(raw: RawMqtt, messageId: number, topic: string, payload: Buffer): void {
  raw.send({ cmd: 'publish', qos: 2, dup: false, retain: false, messageId, topic, payload })
}

/** Waits until `count` packets of `cmd` arrived, or the gateway closed the socket first. */
export async function countOrClosed(
  raw: RawMqtt,
  cmd: string,
  count: number,
  timeoutMs = 10_000,
): Promise<{ seen: number; closed: boolean }> {
  const seen = () => raw.packets.filter((p) => p.cmd === cmd).length
  let closed = false
  void raw.closed.then(() => {
    closed = true
  })
  await waitFor(() => closed || seen() >= count, timeoutMs, 10)
  return { seen: seen(), closed }
}

/** A persistent session (clean=false) subscribed to `filter` at QoS 1, then left parked. */
export async function parkSession(
  url: string,
  login: { username: string; password: string; clientId: string },
  filter: string,
): Promise<void> {
  const c = await connectClient(url, login.username, login.password, {
    clientId: login.clientId,
    clean: false,
  })
  await c.subscribeAsync(filter, { qos: 1 })
  await c.endAsync()
}

/** Resumes a persistent session and collects what it is sent, from the first packet on. */
export async function resumeSession(
  url: string,
  login: { username: string; password: string; clientId: string },
): Promise<{ client: MqttClient; sessionPresent: boolean; received: { topic: string; body: unknown }[] }> {
  const received: { topic: string; body: unknown }[] = []
  const client = mqtt.connect(url, {
    username: login.username,
    password: login.password,
    clientId: login.clientId,
    clean: false,
    reconnectPeriod: 0,
    connectTimeout: 5_000,
  })
  // Listening before the CONNACK: queued messages may come in the same read as the CONNACK.
  client.on('message', (topic, payload) => received.push({ topic, body: JSON.parse(payload.toString()) }))
  const connack = await new Promise<{ sessionPresent?: boolean }>((resolve, reject) => {
    client.once('connect', resolve)
    client.once('error', (err) => {
      client.end(true)
      reject(err)
    })
  })
  return { client, sessionPresent: Boolean(connack.sessionPresent), received }
}

export async function metric(httpUrl: string, sample: string): Promise<number> {
  return metricValue(await apiClient(httpUrl).text('/metrics'), sample)
}

setFlagsFromString('--expose_gc')
const collectGarbage = runInNewContext('gc') as () => void

/** Heap and Buffer memory of this process (the in-process gateway's too), after a full collection. */
export function memoryAfterGc(): number {
  collectGarbage()
  collectGarbage()
  const m = process.memoryUsage()
  return m.heapUsed + m.external
}
