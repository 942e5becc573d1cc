import { connectAsync, type MqttClient } from 'mqtt'

export interface ProbeLogin {
  url: string
  name: string
  token: string
  timeoutMs: number
}

/** Bounds the summary line: at the bench's alarm rates a run has a few hundred. */
const MAX_SAMPLES = 10_000

/**
 * Subscribes to `fw/+/alerts` as an API token and times each alert of the bench's alarm devices:
 * latency = arrival - Date.parse(alert.updatedAt), where updatedAt is the triggering event's ts
 * (docs/protocol.md, "The Alert"; a repeated fire_alarm refreshes it).
 */
export class AlertProbe {
  /** Latencies (ms) of fire alerts of the bench's alarm devices. */
  readonly latencies: number[] = []
  /** [event ts (epoch ms), latency ms] of the first MAX_SAMPLES of those, to cut a time window from. */
  readonly samples: [number, number][] = []
  /** Of those, how many carried an updatedAt equal to the ts of an event we sent. */
  matched = 0
  /** Alerts of other devices or rules, or unparsable messages. */
  other = 0
  private readonly pending = new Set<string>()

  private constructor(
    private readonly client: MqttClient,
    private readonly alarmDevices: ReadonlySet<string>,
    private readonly wallClock: () => number,
  ) {
    client.on('message', (_topic, payload) => this.received(payload))
  }

  static async start(
    login: ProbeLogin,
    alarmDevices: ReadonlySet<string>,
    wallClock: () => number,
  ): Promise<AlertProbe> {
    const client = await connectAsync(login.url, {
      username: login.name,
      password: login.token,
      clientId: `load-probe-${process.pid}`,
      protocolVersion: 4,
      reconnectPeriod: 0,
      connectTimeout: login.timeoutMs,
    })
    const probe = new AlertProbe(client, alarmDevices, wallClock)
    const granted = await client.subscribeAsync('fw/+/alerts', { qos: 1 })
    // [MQTT-3.9.3] 0x80 in SUBACK: the broker refused the subscription (e.g. the token's role).
    if (granted.some((g) => g.qos === 128)) {
      await client.endAsync(true)
      throw new Error(`subscription to fw/+/alerts refused for ${login.name}`)
    }
    return probe
  }

  /** Records an alarm event we sent, so that its alert can be matched by updatedAt. */
  expect(device: string, ts: number): void {
    this.pending.add(`${device}|${ts}`)
  }

  /** Events sent whose alert has not arrived yet. */
  get outstanding(): number {
    return this.pending.size
  }

  async stop(): Promise<void> {
    await this.client.endAsync(true)
  }

  private received(payload: Buffer): void {
    const arrival = this.wallClock()
    let alert: { device?: unknown; class?: unknown; updatedAt?: unknown }
    try {
      alert = JSON.parse(payload.toString('utf8'))
    } catch {
      this.other++
      return
    }
    const updatedAt = typeof alert.updatedAt === 'string' ? Date.parse(alert.updatedAt) : Number.NaN
    const device = typeof alert.device === 'string' ? alert.device : ''
    if (alert.class !== 'fire' || !this.alarmDevices.has(device) || Number.isNaN(updatedAt)) {
      this.other++
      return
    }
    this.latencies.push(arrival - updatedAt)
    if (this.samples.length < MAX_SAMPLES) this.samples.push([updatedAt, arrival - updatedAt])
    if (this.pending.delete(`${device}|${updatedAt}`)) this.matched++
  }
}
