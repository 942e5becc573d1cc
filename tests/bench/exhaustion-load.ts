import net from 'node:net'
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'
import { type RawMqtt, rawMqtt } from '../support/raw-mqtt.ts'
import type { Device } from './exhaustion-probes.ts'

/** One kind of abuse: started, held for a phase, stopped; `tally` says what it got. */
export interface Attack {
  start(): Promise<void>
  stop(): Promise<void>
  tally(): string
}

/** `count` source addresses 127.0.0.10, 127.0.0.11, … (one address: 127.0.0.2). */
export function loopbackAddresses(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `127.0.${10 + Math.floor(i / 240)}.${10 + (i % 240)}`)
}

async function inPool<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, i: number) => Promise<void>,
) {
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      await work(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker))
}

/**
 * `total` TCP connections that send nothing, spread over `addresses`, each reopened `reopenMs`
 * after the gateway closes it (as a flooding client would) until the attack stops.
 */
export function idleFlood(
  port: number,
  addresses: readonly string[],
  total: number,
  reopenMs: number,
): Attack {
  const open = new Set<net.Socket>()
  let running = false
  let opened = 0
  let closedByGateway = 0
  const openOne = (address: string) => {
    if (!running) return
    opened++
    const socket = net.connect({ port, host: '127.0.0.1', localAddress: address })
    socket.on('error', () => {})
    open.add(socket)
    socket.once('close', () => {
      open.delete(socket)
      if (!running) return
      closedByGateway++
      setTimeout(() => openOne(address), reopenMs)
    })
  }
  return {
    async start() {
      running = true
      for (let i = 0; i < total; i++) {
        openOne(addresses[i % addresses.length]!)
        // A few at a time, so that the bench measures the gateway, not a SYN burst.
        if (i % 50 === 49) await new Promise((r) => setTimeout(r, 10))
      }
    },
    async stop() {
      running = false
      for (const s of open) s.destroy()
      open.clear()
    },
    tally: () => `${opened} connections opened, ${closedByGateway} closed by the gateway`,
  }
}

/**
 * An mqtt.js login from `localAddress`. A connection closed at accept (over a cap) ends in 'close'
 * with no 'error' when reconnecting is off, so 'close' counts as a refusal here.
 */
function loginFrom(localAddress: string, port: number, options: IClientOptions): Promise<MqttClient> {
  const client = new mqtt.MqttClient(() => net.connect({ port, host: '127.0.0.1', localAddress }), {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    ...options,
  })
  return new Promise((resolve, reject) => {
    const refuse = (why: Error) => {
      client.end(true)
      reject(why)
    }
    client.once('connect', () => resolve(client))
    client.once('error', refuse)
    client.once('close', () => refuse(new Error('closed before CONNACK')))
  })
}

/** mqtt.js clients logged in from `addresses` in turn (a token may log in many times). */
export function mqttClients(
  port: number,
  addresses: readonly string[],
  total: number,
  options: (i: number) => IClientOptions,
  afterLogin: (client: MqttClient, i: number) => Promise<void> = async () => {},
  keep = true,
): Attack {
  const clients: MqttClient[] = []
  let ok = 0
  let failed = 0
  return {
    async start() {
      const indexes = Array.from({ length: total }, (_, i) => i)
      await inPool(indexes, 20, async (i) => {
        try {
          const client = await loginFrom(addresses[i % addresses.length]!, port, options(i))
          ok++
          await afterLogin(client, i)
          if (keep) clients.push(client)
          else await client.endAsync()
        } catch {
          failed++
        }
      })
    },
    async stop() {
      await Promise.all(clients.splice(0).map((c) => c.endAsync(true).catch(() => {})))
    },
    tally: () => `${ok} logged in, ${failed} refused or failed`,
  }
}

/** Subscriptions: `connections` watchers with `perConnection` distinct filters each, 100 per SUBSCRIBE. */
export function subscriptions(
  port: number,
  addresses: readonly string[],
  token: { name: string; token: string },
  connections: number,
  perConnection: number,
): Attack {
  let granted = 0
  let refused = 0
  const attack = mqttClients(
    port,
    addresses,
    connections,
    (i) => ({ username: token.name, password: token.token, clientId: `exh-subs-${i}` }),
    async (client, i) => {
      for (let first = 0; first < perConnection; first += 100) {
        const filters = Array.from(
          { length: Math.min(100, perConnection - first) },
          (_, k) => `fw/exh-${i}/dev-${first + k}/telemetry`,
        )
        try {
          const answer = await client.subscribeAsync(filters, { qos: 1 })
          for (const g of answer) g.qos === 128 ? refused++ : granted++
        } catch {
          refused += filters.length
        }
      }
    },
  )
  return { ...attack, tally: () => `${attack.tally()}; ${granted} subscriptions granted, ${refused} refused` }
}

/**
 * In-flight messages: devices that send QoS 2 PUBLISHes and never PUBREL them, and watchers
 * subscribed to all telemetry at QoS 1 that never PUBACK what they get.
 */
export function inflight(
  port: number,
  addresses: readonly string[],
  devices: readonly Device[],
  perDevice: number,
  watchers: { token: { name: string; token: string }; count: number },
): Attack {
  const sessions: RawMqtt[] = []
  let loggedIn = 0
  const login = async (address: string, username: string, password: string, clientId: string) => {
    const s = await rawMqtt(port, address)
    sessions.push(s)
    s.send({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      keepalive: 0,
      clientId,
      username,
      password: Buffer.from(password),
    })
    const connack = (await s.next('connack', 10_000).catch(() => null)) as { returnCode?: number } | null
    if (connack?.returnCode === 0) loggedIn++
    return connack?.returnCode === 0 ? s : null
  }
  return {
    async start() {
      for (let w = 0; w < watchers.count; w++) {
        const s = await login(
          addresses[w % addresses.length]!,
          watchers.token.name,
          watchers.token.token,
          `exh-noack-${w}`,
        )
        s?.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'fw/+/+/telemetry', qos: 1 }] })
      }
      await inPool(devices, 10, async (device, i) => {
        const s = await login(
          addresses[i % addresses.length]!,
          device.id,
          device.secret,
          `${device.id}~inflight`,
        )
        if (!s) return
        const payload = Buffer.from(JSON.stringify({ metrics: { battery_pct: 80 } }))
        const topic = `fw/${device.building}/${device.id}/telemetry`
        for (let id = 1; id <= perDevice; id++)
          s.send({ cmd: 'publish', topic, payload, qos: 2, messageId: id, retain: false, dup: false })
      })
    },
    async stop() {
      for (const s of sessions.splice(0)) s.socket.destroy()
    },
    tally: () => {
      const count = (cmd: string) =>
        sessions.reduce((n, s) => n + s.packets.filter((p) => p.cmd === cmd).length, 0)
      return `${loggedIn} logged in, ${count('pubrec')} PUBRECs received (none released), ${count('publish')} QoS 1 messages held unacknowledged`
    },
  }
}
