/**
 * A token bucket over all telemetry. When it is empty the publish callback waits, so aedes
 * stops reading that client's socket: TCP backpressure slows the device instead of the broker
 * queueing without bound (aedes 1.x can overflow its stack under such queues).
 */
export class IngressLimiter {
  private tokens: number
  private last: number
  private waiting: (() => void)[] = []
  /** Index of the next waiting entry: shift() on a long queue would be O(n) per message. */
  private head = 0
  private timer: NodeJS.Timeout | null = null
  /** Publishes held back by a publisher's own rate (hold), by their timers. */
  private readonly held = new Map<NodeJS.Timeout, () => void>()

  constructor(
    private readonly perSecond: number,
    private readonly clock: { now(): number },
    private readonly onDelayed: () => void,
  ) {
    this.tokens = perSecond / 10
    this.last = clock.now()
  }

  /** True when one message may go now (nobody is waiting and the budget allows). */
  tryTake(): boolean {
    if (this.head < this.waiting.length) return false
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
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
    this.refill()
    while (this.tokens >= 1 && this.head < this.waiting.length) {
      this.tokens -= 1
      const proceed = this.waiting[this.head]!
      this.waiting[this.head++] = noop
      proceed()
    }
    if (this.head === this.waiting.length) {
      this.waiting = []
      this.head = 0
    } else this.timer = setTimeout(() => this.drain(), 5)
  }

  private refill(): void {
    const now = this.clock.now()
    // At most 100 ms of budget: a burst after a quiet spell is bounded too.
    this.tokens = Math.min(this.perSecond / 10, this.tokens + ((now - this.last) * this.perSecond) / 1000)
    this.last = now
  }
}

function noop(): void {}
