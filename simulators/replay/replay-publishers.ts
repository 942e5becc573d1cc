import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

/** What a Firewatch device logs in with (docs/protocol.md: username = device id, password = secret). */
export interface DeviceLogin {
  id: string
  building: string
  secret: string
}

/** Where a recorded topic goes: a connection, a reason to leave it out, or why it cannot be sent. */
export type Route = { client: MqttClient } | { skip: string } | { fail: string }

export interface PublisherPool {
  route(topic: string): Route
  /** Problems reported by connections after they were opened (socket errors). */
  readonly errors: string[]
  /** Ends every connection once its in-flight messages are acknowledged. */
  close(): Promise<void>
}

export const SKIP_NOT_DEVICE = 'not a device-to-gateway topic'
export const SKIP_UNKNOWN_DEVICE = 'device not in the site file'
export const SKIP_OTHER_BUILDING = 'building differs from the site file'
/** Device connections opened at once: enough to be quick, few enough not to look like a storm. */
const CONNECT_CONCURRENCY = 8
// docs/protocol.md: devices publish telemetry, event and status; error and alerts come from the gateway.
const DEVICE_KINDS = new Set(['telemetry', 'event', 'status'])

function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  // No reconnect: a replay that silently reconnected would reorder or lose messages unnoticed.
  // queueQoSZero off: a QoS 0 publish on a lost connection then fails at once instead of waiting forever.
  return mqtt.connectAsync(url, {
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    clean: true,
    queueQoSZero: false,
    ...options,
  })
}

function watch(client: MqttClient, name: string, errors: string[]): MqttClient {
  client.on('error', (err) => errors.push(`${name}: ${err.message}`))
  return client
}

/** One connection for everything: a broker without per-device logins (Mosquitto). */
export async function plainPool(
  url: string,
  login: { username?: string; password?: string },
): Promise<PublisherPool> {
  const errors: string[] = []
  const client = watch(await connect(url, login), 'replay', errors)
  return {
    route: () => ({ client }),
    errors,
    close: () => client.endAsync(),
  }
}

/** One connection per device of the recording, each logged in as that device (a Firewatch target). */
export async function devicePool(
  url: string,
  devices: ReadonlyMap<string, DeviceLogin>,
  topics: Iterable<string>,
): Promise<PublisherPool> {
  const decisions = new Map<string, { device: string } | { skip: string }>()
  for (const topic of topics) if (!decisions.has(topic)) decisions.set(topic, decide(topic, devices))
  const needed = new Set<string>()
  for (const d of decisions.values()) if ('device' in d) needed.add(d.device)
  const errors: string[] = []
  const { clients, failures } = await connectDevices(
    url,
    [...needed].map((id) => devices.get(id)!),
    errors,
  )
  return {
    route(topic) {
      const decision = decisions.get(topic) ?? decide(topic, devices)
      if ('skip' in decision) return decision
      const client = clients.get(decision.device)
      return client
        ? { client }
        : { fail: failures.get(decision.device) ?? `${decision.device}: not connected` }
    },
    errors,
    close: async () => {
      await Promise.all([...clients.values()].map((c) => c.endAsync()))
    },
  }
}

function decide(
  topic: string,
  devices: ReadonlyMap<string, DeviceLogin>,
): { device: string } | { skip: string } {
  const parts = topic.split('/')
  if (parts.length !== 4 || parts[0] !== 'fw' || !DEVICE_KINDS.has(parts[3]!))
    return { skip: SKIP_NOT_DEVICE }
  const device = devices.get(parts[2]!)
  if (!device) return { skip: SKIP_UNKNOWN_DEVICE }
  if (device.building !== parts[1]) return { skip: SKIP_OTHER_BUILDING }
  return { device: device.id }
}

async function connectDevices(url: string, logins: DeviceLogin[], errors: string[]) {
  const clients = new Map<string, MqttClient>()
  const failures = new Map<string, string>()
  let next = 0
  const worker = async () => {
    while (next < logins.length) {
      const login = logins[next++]!
      try {
        // Its own client id, so that a replay never takes the session of the real device.
        const client = await connect(url, {
          clientId: `replay~${login.id}`,
          username: login.id,
          password: login.secret,
        })
        clients.set(login.id, watch(client, login.id, errors))
      } catch (err) {
        failures.set(login.id, `${login.id}: cannot connect (${(err as Error).message})`)
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(CONNECT_CONCURRENCY, logins.length) }, worker))
  return { clients, failures }
}
