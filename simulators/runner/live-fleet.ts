import mqtt, { type MqttClient } from 'mqtt'
import type { SensorDevice } from '../../ingest/site-schema.ts'
import { deviceTopic } from '../../ingest/topics.ts'
import type { SimMessage } from '../models/sim-device.ts'
import { SimulatorError } from './simulator-errors.ts'

const CONNECT_TIMEOUT_MS = 10_000

/**
 * One real MQTT connection per simulated device (CONTRACT.md: username = device id, password =
 * its secret), each with a retained `offline` Last Will on its status topic. A lost connection is
 * simulated by destroying the socket without DISCONNECT, so the broker publishes the will itself.
 */
export class LiveFleet {
  /** Readings (metric values) in telemetry the broker acknowledged. */
  readings = 0
  readonly errors: string[] = []
  private readonly clients = new Map<string, MqttClient>()
  private readonly pending = new Set<Promise<void>>()

  constructor(private readonly url: string) {}

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
      const client = await mqtt.connectAsync(this.url, {
        clientId: `fw-sim-${device.id}`,
        username: device.id,
        password: device.secret,
        clean: true,
        protocolVersion: 4,
        reconnectPeriod: 0,
        connectTimeout: CONNECT_TIMEOUT_MS,
        will: {
          topic: deviceTopic(device.building, device.id, 'status'),
          payload: Buffer.from('offline'),
          qos: 1,
          retain: true,
        },
      })
      client.on('error', (err) => this.errors.push(`${device.id}: ${err.message}`))
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

  /** Waits until every publish so far is acknowledged (QoS 1) or failed. */
  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  /** Ends every connection cleanly (DISCONNECT: no Last Will). */
  async close(): Promise<void> {
    await this.flush().catch(() => {})
    const clients = [...this.clients.values()]
    this.clients.clear()
    await Promise.all(clients.map((c) => c.endAsync().catch(() => {})))
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
    // Whatever the device sent before it went away must arrive first.
    await this.flush()
    if (will) client.end(true)
    else await client.endAsync()
  }
}
