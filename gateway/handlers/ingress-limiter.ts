import { RateBuckets } from '../limits/rate-buckets.ts'

/** The limiter's one bucket: all telemetry shares it. */
const ALL = 0

/**
 * A token bucket over all telemetry. When it is empty the publish callback waits, so aedes
 * stops reading that client's socket: TCP backpressure slows the device instead of the broker
 * queueing without bound (aedes 1.x can overflow its stack under such queues).
 */
export class IngressLimiter {
  /** At most 100 ms of budget: a burst after a quiet spell is bounded too. */
  private readonly bucket: RateBuckets<number>
  private waiting: (() => void)[] = []
  /** Index of the next waiting entry: shift() on a long queue would be O(n) per message. */
  private head = 0
  private timer: NodeJS.Timeout | null = null
  /** Publishes held back by a publisher's own rate (hold), by their timers. */
  private readonly held = new Map<NodeJS.Timeout, () => void>()

  constructor(
    perSecond: number,
    clock: { now(): number },
    private readonly onDelayed: () => void,
  ) {
    this.bucket = new RateBuckets<number>(perSecond, perSecond / 10, clock)
  }

  /** True when one message may go now (nobody is waiting and the budget allows). */
  tryTake(): boolean {
    if (this.head < this.waiting.length) return false
    return this.bucket.take(ALL)
  }

  /** Runs `proceed` as soon as the budget allows, after everything already waiting (FIFO). */
  enqueue(proceed: () => void): void {
    this.onDelayed()
    this.waiting.push(proceed)
    this.timer ??= setTimeout(() => this.drain(), 5)
  }

  /** Runs `proceed` after `ms`; at close() at once, like the messages waiting for the budget. */
  hold(ms: number, proceed: () => void): void {
    const timer = setTimeout(() => {
      this.held.delete(timer)
      proceed()
    }, ms)
    this.held.set(timer, proceed)
  }

  get queued(): number {
    return this.waiting.length - this.head
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const held = [...this.held]
    this.held.clear()
    for (const [timer, proceed] of held) {
      clearTimeout(timer)
      proceed()
    }
    const waiting = this.waiting.slice(this.head)
    this.waiting = []
    this.head = 0
    for (const proceed of waiting) proceed()
  }

  private drain(): void {
    this.timer = null
    while (this.head < this.waiting.length && this.bucket.take(ALL)) {
      const proceed = this.waiting[this.head]!
      this.waiting[this.head++] = noop
      proceed()
    }
    if (this.head === this.waiting.length) {
      this.waiting = []
      this.head = 0
    } else this.timer = setTimeout(() => this.drain(), 5)
  }
}

function noop(): void {}
