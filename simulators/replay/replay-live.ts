import { setTimeout as sleep, setImmediate as yieldToLoop } from 'node:timers/promises'
import type { RecordedMessage, Recording } from '../record/recording-format.ts'
import { emptyKindCounts, type TopicKind, topicKind } from '../record/topic-kind.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import { shiftPayloadTs } from './payload-time.ts'
import { type DeviceLogin, devicePool, type PublisherPool, plainPool } from './replay-publishers.ts'
import { checkSpeed } from './replay-virtual.ts'

export interface LiveReplayOptions {
  /** mqtt://host:port of the target broker. */
  url: string
  /**
   * Firewatch target: the site's devices. Each device topic is then published by a connection
   * logged in as its device; topics devices do not publish (error, alerts) are skipped.
   * Without it, one plain connection publishes everything (Mosquitto, or any broker).
   */
  devices?: ReadonlyMap<string, DeviceLogin> | null
  /** Login of the plain connection. */
  username?: string
  password?: string
  /** 2 = twice as fast. Default 1 (the recorded timing). */
  speed?: number
  /** Publish `ts` as recorded; by default it moves to replay time (see shiftPayloadTs). */
  keepTimestamps?: boolean
  clock?: SimClock
  /** Aborting stops the replay after the message being sent; the summary says `interrupted`. */
  signal?: AbortSignal
  /** Called as messages are acknowledged, skipped or failed. */
  onProgress?: (done: number, total: number) => void
  /** How long acknowledgements may take before the messages count as failed. Default 10 s. */
  ackTimeoutMs?: number
}

export interface ReplaySummary {
  total: number
  /** Published and acknowledged (QoS 0: written to the socket). */
  published: number
  failed: number
  /** Left out on purpose, by reason (Firewatch target only). */
  skipped: Record<string, number>
  /** From the first message sent to the last acknowledgement. */
  durationMs: number
  /** Of the published messages. */
  byKind: Record<TopicKind, number>
  /** The first few failures, one line each. */
  errors: string[]
  interrupted: boolean
}

/** The most messages awaiting an acknowledgement at once: a slow broker slows the replay, memory stays bounded. */
const MAX_INFLIGHT = 1000
const MAX_ERRORS = 10

/**
 * Publishes a recording again, live. Timing comes from `t`, relative to the first message (a quiet
 * lead-in before it is not waited for), divided by `speed`.
 */
export async function replayLive(recording: Recording, options: LiveReplayOptions): Promise<ReplaySummary> {
  const speed = checkSpeed(options.speed ?? 1)
  const pool = options.devices
    ? await devicePool(
        options.url,
        options.devices,
        recording.messages.map((m) => m.topic),
      )
    : await plainPool(options.url, { username: options.username, password: options.password })
  const run = new LiveRun(recording.messages, pool, options, speed)
  try {
    return await run.run()
  } finally {
    await pool.close()
  }
}

class LiveRun {
  private readonly clock: SimClock
  private readonly summary: ReplaySummary
  private inflight = 0
  private done = 0
  private wake: (() => void) | null = null
  private abandoned = false

  constructor(
    private readonly messages: readonly RecordedMessage[],
    private readonly pool: PublisherPool,
    private readonly options: LiveReplayOptions,
    private readonly speed: number,
  ) {
    this.clock = options.clock ?? systemClock
    this.summary = {
      total: messages.length,
      published: 0,
      failed: 0,
      skipped: {},
      durationMs: 0,
      byKind: emptyKindCounts(),
      errors: [],
      interrupted: false,
    }
  }

  async run(): Promise<ReplaySummary> {
    const t0 = this.messages[0]?.t ?? 0
    const startMono = this.clock.monotonic()
    const startWall = this.clock.wall()
    for (const [i, m] of this.messages.entries()) {
      const offset = (m.t - t0) / this.speed
      if (!(await this.waitUntil(startMono + offset))) {
        this.summary.interrupted = true
        break
      }
      this.send(m, startWall + offset)
      if (!(await this.settle(MAX_INFLIGHT - 1))) break
      // Back-to-back messages never sleep: let acknowledgements, progress and signals through.
      if (i % 256 === 255) await yieldToLoop()
    }
    await this.settle(0)
    this.summary.durationMs = Math.round(this.clock.monotonic() - startMono)
    for (const e of this.pool.errors) this.error(e)
    return this.summary
  }

  private async waitUntil(target: number): Promise<boolean> {
    if (this.options.signal?.aborted) return false
    const wait = target - this.clock.monotonic()
    if (wait < 1) return true
    try {
      await sleep(wait, undefined, { signal: this.options.signal })
      return true
    } catch {
      return false
    }
  }

  private send(m: RecordedMessage, replayWall: number): void {
    const route = this.pool.route(m.topic)
    if ('skip' in route) {
      this.summary.skipped[route.skip] = (this.summary.skipped[route.skip] ?? 0) + 1
      this.progress()
      return
    }
    if ('fail' in route) {
      this.summary.failed++
      this.error(route.fail)
      this.progress()
      return
    }
    const payload = this.options.keepTimestamps
      ? m.payload
      : shiftPayloadTs(m.topic, m.payload, replayWall - m.wall)
    this.inflight++
    route.client.publish(m.topic, payload, { qos: m.qos, retain: m.retain }, (err) => {
      if (this.abandoned) return
      this.inflight--
      if (err) {
        this.summary.failed++
        this.error(`${m.topic}: ${err.message}`)
      } else {
        this.summary.published++
        this.summary.byKind[topicKind(m.topic)]++
      }
      this.progress()
      this.wake?.()
    })
  }

  /** Waits until at most `limit` messages await acknowledgement; false when they stopped coming. */
  private async settle(limit: number): Promise<boolean> {
    const timeoutMs = this.options.ackTimeoutMs ?? 10_000
    while (this.inflight > limit) {
      const before = this.inflight
      let timer: NodeJS.Timeout | undefined
      await new Promise<void>((resolve) => {
        this.wake = resolve
        timer = setTimeout(resolve, timeoutMs)
      })
      clearTimeout(timer)
      this.wake = null
      if (this.inflight === before) {
        this.summary.failed += this.inflight
        this.error(`${this.inflight} messages not acknowledged within ${timeoutMs} ms`)
        // Late acknowledgements of these must not count twice.
        this.abandoned = true
        this.inflight = 0
        return false
      }
    }
    return true
  }

  private progress(): void {
    this.done++
    this.options.onProgress?.(this.done, this.summary.total)
  }

  private error(line: string): void {
    if (this.summary.errors.length < MAX_ERRORS) this.summary.errors.push(line)
  }
}
