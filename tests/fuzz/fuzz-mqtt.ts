import net from 'node:net'
import mqtt, { type MqttClient } from 'mqtt'
import mqttPacket from 'mqtt-packet'
import { ErrorCodes } from '../../ingest/error-codes.ts'
import type { FuzzInputs } from './fuzz-inputs.ts'
import type { FuzzReport } from './fuzz-report.ts'
import { connectPacket, RawSession } from './raw-session.ts'

export interface FuzzDevice {
  id: string
  building: string
  secret: string
}

/** Device payloads on the device's own topics, QoS 1: every one must be PUBACKed. */
export async function fuzzPayloads(
  url: string,
  devices: FuzzDevice[],
  count: number,
  gen: FuzzInputs,
  report: FuzzReport,
) {
  const section = report.section('mqtt payloads')
  await Promise.all(
    devices.map(async (d, index) => {
      const client = await deviceClient(url, d, section)
      const share = Math.floor(count / devices.length) + (index < count % devices.length ? 1 : 0)
      const kinds = ['telemetry', 'telemetry', 'event', 'status']
      let next = 0
      // 64 in flight per device: the window keeps the run short without queueing unboundedly.
      const worker = async () => {
        while (next < share) {
          next++
          const topic = `fw/${d.building}/${d.id}/${gen.pick(kinds)}`
          const payload = gen.payload()
          const ok = await publishOnce(client, topic, payload)
          section.count(ok ? 'answered: PUBACK' : 'no PUBACK (finding)')
          if (!ok)
            report.finding(`no PUBACK for a payload on ${topic}: ${payload.toString('base64').slice(0, 80)}`)
        }
      }
      await Promise.all(Array.from({ length: 64 }, worker))
      await client.endAsync()
    }),
  )
}

/** Odd topic names (no wildcards): answered by PUBACK and refused by the ACL or a limit. */
export async function fuzzTopics(
  url: string,
  devices: FuzzDevice[],
  count: number,
  gen: FuzzInputs,
  report: FuzzReport,
) {
  const section = report.section('mqtt topics')
  await Promise.all(
    devices.map(async (d, index) => {
      let client = await deviceClient(url, d, section)
      const share = Math.floor(count / devices.length) + (index < count % devices.length ? 1 : 0)
      let reconnecting: Promise<void> | null = null
      let next = 0
      const worker = async () => {
        while (next < share) {
          next++
          const topic = gen.topic(`fw/${d.building}/${d.id}/telemetry`) || '/'
          const used = client
          if (await publishOnce(used, topic, Buffer.from('{"metrics":{"battery_pct":50}}'))) {
            section.count('answered: PUBACK')
            continue
          }
          section.count('dropped: connection closed by the gateway')
          // The first worker to see the closed connection replaces it; the others wait for that.
          if (client === used && !reconnecting) {
            reconnecting = (async () => {
              await used.endAsync(true)
              client = await deviceClient(url, d, section)
              reconnecting = null
            })()
          }
          await reconnecting
        }
      }
      await Promise.all(Array.from({ length: 16 }, worker))
      await client.endAsync()
    }),
  )
}

/** Subscription filters, wildcards and invalid ones included, from a brigade login. */
export async function fuzzFilters(port: number, count: number, gen: FuzzInputs, report: FuzzReport) {
  const section = report.section('mqtt subscriptions')
  let session = await brigadeSession(port)
  for (let i = 0; i < count; i++) {
    const messageId = 1 + (i % 65_000)
    const answer = await session.request(
      { cmd: 'subscribe', messageId, subscriptions: [{ topic: gen.filter(), qos: gen.int(3) }] },
      (p) => p.cmd === 'suback' && p.messageId === messageId,
    )
    if (answer === 'timeout') report.finding(`no SUBACK and no close for subscription ${i}`)
    if (answer && answer !== 'timeout') {
      const granted = (answer as { granted: number[] }).granted[0]
      section.count(granted === 128 ? 'answered: SUBACK refused (0x80)' : 'answered: SUBACK granted')
    } else {
      section.count(
        answer === 'timeout' ? 'no answer (finding)' : 'dropped: connection closed (invalid filter)',
      )
      session.close()
      session = await brigadeSession(port)
    }
  }
  session.close()
}

/** Raw bytes on fresh connections: every connection is answered, closed, or left waiting for the rest of a packet. */
export async function fuzzRawPackets(port: number, count: number, gen: FuzzInputs, report: FuzzReport) {
  const section = report.section('raw mqtt packets')
  const templates = [
    mqttPacket.generate(connectPacket('ta-05-smoke-01', 's3cret-ta-05', 'raw-fuzz') as never),
    mqttPacket.generate(connectPacket('nobody', 'x', 'raw-fuzz-2') as never),
    Buffer.concat([
      mqttPacket.generate(connectPacket('tb-01-pump-01', 's3cret-tb-01', 'raw-fuzz-3') as never),
      mqttPacket.generate({
        cmd: 'publish',
        topic: 'fw/tower-b/tb-01-pump-01/telemetry',
        payload: Buffer.from('{}'),
        qos: 1,
        messageId: 7,
        retain: false,
        dup: false,
      }),
    ]),
  ]
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      section.count(await oneRawConnection(port, gen.rawPacket(gen.pick(templates))))
    }
  }
  await Promise.all(Array.from({ length: 48 }, worker))
}

function oneRawConnection(port: number, bytes: Buffer): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: '127.0.0.9' })
    let answered = false
    const timer = setTimeout(() => {
      socket.destroy()
      resolve(
        answered ? 'answered, then left open' : 'no answer yet: incomplete packet (connectTimeout drops it)',
      )
    }, 200)
    socket.on('error', () => {})
    socket.on('data', () => {
      answered = true
    })
    socket.on('close', () => {
      clearTimeout(timer)
      resolve(answered ? 'answered, then closed' : 'dropped: closed by the gateway (malformed)')
    })
    socket.on('connect', () => socket.write(bytes))
  })
}

export async function deviceClient(
  url: string,
  d: FuzzDevice,
  section: ReturnType<FuzzReport['section']>,
): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    username: d.id,
    password: d.secret,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    clientId: `fuzz-${d.id}-${Math.floor(Math.random() * 1e9)}`,
  })
  client.on('message', (_topic, payload) => {
    let code = 'unparseable'
    try {
      code = String((JSON.parse(payload.toString()) as { error?: unknown }).error)
    } catch {}
    section.note(`device told ${code}`)
    if (!(code in ErrorCodes))
      section.finding(`error answer with an unknown code: ${payload.toString().slice(0, 120)}`)
  })
  await client.subscribeAsync(`fw/${d.building}/${d.id}/error`)
  return client
}

export function publishOnce(client: MqttClient, topic: string, payload: Buffer): Promise<boolean> {
  if (!client.connected) return Promise.resolve(false)
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), 15_000)
    client.publish(topic, payload, { qos: 1 }, (err) => {
      clearTimeout(timer)
      resolve(!err)
    })
  })
}

async function brigadeSession(port: number): Promise<RawSession> {
  const session = await RawSession.open(port, '127.0.0.1')
  const connack = await session.request(
    connectPacket('brigade', 'brigade-token', `fuzz-sub-${Math.random()}`),
    (p) => p.cmd === 'connack',
  )
  if (!connack || connack === 'timeout' || (connack as { returnCode: number }).returnCode !== 0) {
    throw new Error('the brigade could not log in for the subscription fuzz')
  }
  return session
}
