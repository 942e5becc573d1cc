import mqtt, { type IClientSubscribeOptions, type MqttClient } from 'mqtt'
import type { RecordedMessage } from './recording-format.ts'
import { RecordingWriter } from './recording-writer.ts'
import { emptyKindCounts, type TopicKind, topicKind } from './topic-kind.ts'
import { type SimClock, systemClock } from './wall-clock.ts'

export interface RecorderOptions {
  /** Any MQTT broker: mqtt://host:port (Firewatch, Mosquitto, ...). */
  url: string
  username?: string
  password?: string
  /** Topic filters; default `fw/#`. */
  topics?: string[]
  /** The JSON-lines file to write (created or truncated). */
  out: string
  /** Stop after this many messages. */
  count?: number
  /** Stop after this many milliseconds. */
  durationMs?: number
  /** Subscription QoS: messages keep the QoS they were published with, up to this. Default 2. */
  qos?: 0 | 1 | 2
  clock?: SimClock
  /** Called after each message is written (progress display). */
  onMessage?: (message: RecordedMessage, recorded: number) => void
}

export type StopReason = 'count' | 'duration' | 'stopped' | 'connection lost'

export interface RecordSummary {
  file: string
  messages: number
  durationMs: number
  byKind: Record<TopicKind, number>
  stoppedBy: StopReason
  /** The last connection error, when the connection was lost. */
  error?: string
}

export interface Recorder {
  /** Resolves when the recording ends: count reached, duration over, stop() or connection lost. */
  readonly finished: Promise<RecordSummary>
  /** Ends the recording now (e.g. on SIGINT) and flushes the file; safe to call more than once. */
  stop(): Promise<RecordSummary>
  /** Messages written so far. */
  recorded(): number
}

/** Connects, subscribes and resolves once the subscription is granted: from then on, every message is recorded. */
export async function startRecorder(options: RecorderOptions): Promise<Recorder> {
  const clock = options.clock ?? systemClock
  // No reconnect: a silent gap in a recording would replay as a quiet period that never happened.
  const client = await mqtt.connectAsync(options.url, {
    username: options.username,
    password: options.password,
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    clean: true,
  })
  const startMono = clock.monotonic()
  const startedAt = clock.wall()
  let writer: RecordingWriter
  try {
    writer = await RecordingWriter.open(options.out, {
      format: 'firewatch-recording',
      version: 1,
      startedAt,
      source: redact(options.url),
    })
  } catch (err) {
    await client.endAsync(true)
    throw err
  }
  const session = new RecorderSession(client, writer, options, clock, startMono)
  try {
    await subscribe(client, options.topics ?? ['fw/#'], options.qos ?? 2)
  } catch (err) {
    await session.stop('stopped')
    throw err
  }
  return session.start()
}

class RecorderSession {
  private messages = 0
  private readonly byKind = emptyKindCounts()
  private timer: NodeJS.Timeout | null = null
  private lastError: string | undefined
  private stopping: Promise<RecordSummary> | null = null
  private resolveFinished!: (summary: Promise<RecordSummary>) => void
  private readonly finished = new Promise<RecordSummary>((resolve) => {
    this.resolveFinished = resolve
  })

  constructor(
    private readonly client: MqttClient,
    private readonly writer: RecordingWriter,
    private readonly options: RecorderOptions,
    private readonly clock: SimClock,
    private readonly startMono: number,
  ) {
    client.on('message', this.onMessage)
    // Without a listener an 'error' event (ECONNRESET) would end the process instead of the recording.
    client.on('error', (err) => {
      this.lastError = err.message
    })
    client.on('close', () => void this.stop('connection lost').catch(() => {}))
  }

  start(): Recorder {
    if (this.options.durationMs !== undefined) {
      this.timer = setTimeout(() => void this.stop('duration').catch(() => {}), this.options.durationMs)
    }
    if (this.options.count === 0) void this.stop('count').catch(() => {})
    return {
      finished: this.finished,
      stop: () => this.stop('stopped'),
      recorded: () => this.messages,
    }
  }

  private readonly onMessage = (
    topic: string,
    payload: Buffer,
    packet: { qos: 0 | 1 | 2; retain: boolean },
  ) => {
    if (this.stopping) return
    const t = Math.round(this.clock.monotonic() - this.startMono)
    const message: RecordedMessage = {
      t,
      wall: this.clock.wall(),
      topic,
      qos: packet.qos,
      retain: packet.retain,
      payload,
    }
    this.writer.write(message)
    this.messages++
    this.byKind[topicKind(topic)]++
    this.options.onMessage?.(message, this.messages)
    if (this.options.count !== undefined && this.messages >= this.options.count)
      void this.stop('count').catch(() => {})
  }

  stop(reason: StopReason): Promise<RecordSummary> {
    if (!this.stopping) {
      this.stopping = this.finish(reason)
      // `finished` takes the outcome of the first stop, failure (a disk error on flush) included.
      this.resolveFinished(this.stopping)
      this.finished.catch(() => {})
    }
    return this.stopping
  }

  private async finish(reason: StopReason): Promise<RecordSummary> {
    if (this.timer) clearTimeout(this.timer)
    this.client.removeListener('message', this.onMessage)
    const durationMs = Math.round(this.clock.monotonic() - this.startMono)
    if (reason !== 'connection lost') await this.client.endAsync()
    await this.writer.close()
    const summary: RecordSummary = {
      file: this.options.out,
      messages: this.messages,
      durationMs,
      byKind: { ...this.byKind },
      stoppedBy: reason,
      ...(reason === 'connection lost' && this.lastError ? { error: this.lastError } : {}),
    }
    return summary
  }
}

async function subscribe(client: MqttClient, topics: string[], qos: 0 | 1 | 2): Promise<void> {
  const map: Record<string, IClientSubscribeOptions> = Object.fromEntries(topics.map((t) => [t, { qos }]))
  let granted: number[]
  try {
    granted = (await client.subscribeAsync(map)).map((g) => g.qos)
  } catch (err) {
    // mqtt.js rejects a SUBACK that refuses any filter; the granted list is on the error.
    const refused = (err as { packet?: { granted?: number[] } }).packet?.granted
    if (!refused) throw err
    granted = refused
  }
  const denied = topics.filter((_, i) => (granted[i] ?? 0x80) >= 0x80)
  if (denied.length > 0) throw new Error(`the broker refused the subscription to ${denied.join(', ')}`)
}

/** The header names the broker, never its credentials. */
function redact(url: string): string {
  const parsed = new URL(url)
  parsed.username = ''
  parsed.password = ''
  return parsed.href
}
