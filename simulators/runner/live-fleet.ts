import mqtt, { type MqttClient } from 'mqtt'
import type { SensorDevice } from '../../ingest/site/site-schema.ts'
import { deviceTopic } from '../../ingest/topics.ts'
import type { SimMessage } from '../models/sim-device.ts'
import { SimulatorError } from './simulator-errors.ts'

const CONNECT_TIMEOUT_MS = 10_000
/**
 * A connection the gateway dropped (a restart, a network blip) is tried again this often. The
 * device's QoS 1 publishes meanwhile wait in mqtt.js's store and go out once it is back.
 */
const RECONNECT_PERIOD_MS = 500
/** How long a timeline disconnect waits for the device's earlier publishes. */
const DROP_FLUSH_MS = 60_000
/** How long the end of a run waits for publishes still unacknowledged (the gateway may be down). */
const CLOSE_FLUSH_MS = 5_000

/** A time a device's connection to the gateway was lost without the timeline asking for it. */
export interface Outage {
  device: string
  /** Milliseconds on the fleet's monotonic clock. */
  lostAt: number
  /** When it was connected again; null while it is still down. */
  backAt: number | null
}

/**
 * One real MQTT connection per simulated device (docs/protocol.md: username = device id, password =
 * its secret), each with a retained `offline` Last Will on its status topic. A lost connection is
 * simulated by destroying the socket without DISCONNECT, so the broker publishes the will itself.
 * A connection lost otherwise (the gateway restarting during a run) reconnects by itself; each
 * such outage is kept in `outages` for the run's report.
 */
export class LiveFleet {
  /** Readings (metric values) in telemetry the broker acknowledged. */
  readings = 0
  readonly errors: string[] = []
  readonly outages: Outage[] = []
  private readonly clients = new Map<string, MqttClient>()
  private readonly pending = new Set<Promise<void>>()

  /** `monotonic`: real milliseconds, for the outages (the runner's clock). */
  constructor(
    private readonly url: string,
    private readonly monotonic: () => number,
  ) {}

  async connectAll(devices: readonly SensorDevice[], concurrency = 16): Promise<void> {
    let next = 0
    const worker = async () => {
      while (next < devices.length) await this.connect(devices[next++]!)
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, devices.length) }, worker))
  }

  async connect(device: SensorDevice): Promise<void> {
    if (this.clients.has(device.id)) return
    try {
      // No retries for the first connection (allowRetries false): an unreachable gateway or a
      // refused login ends the run at once; only a connection that worked is tried again.
      const client = await mqtt.connectAsync(
        this.url,
        {
          clientId: `fw-sim-${device.id}`,
          username: device.id,
          password: device.secret,
          clean: true,
          protocolVersion: 4,
          reconnectPeriod: RECONNECT_PERIOD_MS,
          connectTimeout: CONNECT_TIMEOUT_MS,
          will: {
            topic: deviceTopic(device.building, device.id, 'status'),
            payload: Buffer.from('offline'),
            qos: 1,
            retain: true,
          },
        },
        false,
      )
      this.watch(device.id, client)
      this.clients.set(device.id, client)
    } catch (err) {
      throw new SimulatorError(
        'FGW_ERR_SIM_CONNECT',
        `${device.id} could not connect to ${this.url}: ${(err as Error).message}`,
        {
          cause: err,
        },
      )
    }
  }

  /** Records the connection's outages; mqtt.js reconnects it by itself. */
  private watch(id: string, client: MqttClient): void {
    let current: Outage | null = null
    client.on('error', (err) => {
      // While the connection is down, each failed reconnect attempt (ECONNREFUSED while the gateway
      // restarts) is part of the outage, which the report gives as one line.
      if (current === null) this.errors.push(`${id}: ${err.message}`)
    })
    client.on('close', () => {
      // Also emitted by every failed reconnect attempt, and by the end of the run or a drop.
      if (current !== null || client.disconnecting || !this.clients.has(id)) return
      current = { device: id, lostAt: this.monotonic(), backAt: null }
      this.outages.push(current)
    })
    client.on('connect', () => {
      if (current === null) return
      current.backAt = this.monotonic()
      current = null
    })
  }

  /** Carries out one message; resolves once a connect is done (publishes are tracked, see flush). */
  async send(m: SimMessage): Promise<void> {
    const { device } = m
    switch (m.type) {
      case 'connect':
        return this.connect(device)
      case 'disconnect':
        return this.drop(device, m.will)
      // Publishes are not awaited: the timeline must not wait for acknowledgements.
      case 'status':
        this.publish(device, 'status', m.payload, true, 0)
        return
      case 'event':
        this.publish(device, 'event', m.payload, false, 0)
        return
      case 'telemetry':
        this.publish(device, 'telemetry', m.payload, false, m.readings)
        return
    }
  }

  /**
   * Waits until every publish so far is acknowledged (QoS 1) or failed, or `timeoutMs` passed
   * (a gateway that never came back); resolves with the number still unacknowledged.
   */
  async flush(timeoutMs = Number.POSITIVE_INFINITY): Promise<number> {
    let timer: NodeJS.Timeout | undefined
    const expired = new Promise<'expired'>((resolve) => {
      if (Number.isFinite(timeoutMs)) timer = setTimeout(() => resolve('expired'), timeoutMs)
    })
    try {
      while (this.pending.size > 0) {
        if ((await Promise.race([Promise.all([...this.pending]), expired])) === 'expired') break
      }
    } finally {
      clearTimeout(timer)
    }
    return this.pending.size
  }

  /** Devices whose connection is down right now (lost, not yet back). */
  stillDown(): number {
    return this.outages.filter((o) => o.backAt === null).length
  }

  /** Ends every connection cleanly (DISCONNECT: no Last Will). */
  async close(): Promise<void> {
    await this.flush(CLOSE_FLUSH_MS).catch(() => 0)
    const clients = [...this.clients.values()]
    this.clients.clear()
    // Forced for a connection that is down: a clean end would wait for a broker that is not there.
    await Promise.all(clients.map((c) => c.endAsync(!c.connected).catch(() => {})))
  }

  private publish(
    device: SensorDevice,
    kind: 'status' | 'event' | 'telemetry',
    payload: string,
    retain: boolean,
    readings: number,
  ): void {
    const client = this.clients.get(device.id)
    if (!client) {
      this.errors.push(`${device.id}: ${kind} while not connected`)
      return
    }
    const done = new Promise<void>((resolve) => {
      client.publish(deviceTopic(device.building, device.id, kind), payload, { qos: 1, retain }, (err) => {
        if (err) this.errors.push(`${device.id} ${kind}: ${err.message}`)
        else this.readings += readings
        resolve()
      })
    })
    this.pending.add(done)
    void done.then(() => this.pending.delete(done))
  }

  /** will = true: the connection is lost (socket destroyed, the broker publishes the will). */
  private async drop(device: SensorDevice, will: boolean): Promise<void> {
    const client = this.clients.get(device.id)
    if (!client) return
    this.clients.delete(device.id)
    // Whatever the device sent before it went away must arrive first (bounded: the gateway may be down).
    await this.flush(DROP_FLUSH_MS)
    if (will) client.end(true)
    else await client.endAsync()
  }
}
