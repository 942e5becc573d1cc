/**
 * A token bucket over all telemetry. When it is empty the publish callback waits, so aedes
 * stops reading that client's socket: TCP backpressure slows the device instead of the broker
 * queueing without bound (aedes 1.x can overflow its stack under such queues).
 */
export class IngressLimiter {
  private tokens: number
  private last: number
  private readonly waiting: (() => void)[] = []
  private timer: NodeJS.Timeout | null = null

  constructor(
    private readonly perSecond: number,
    private readonly clock: { now(): number },
    private readonly onDelayed: () => void,
  ) {
    this.tokens = perSecond / 10
    this.last = clock.now()
  }

  /** Runs `proceed` now when the budget allows, otherwise as soon as it does (FIFO). */
  admit(proceed: () => void): void {
    if (this.waiting.length === 0) {
      this.refill()
      if (this.tokens >= 1) {
        this.tokens -= 1
        proceed()
        return
      }
    }
    this.onDelayed()
    this.waiting.push(proceed)
    this.timer ??= setTimeout(() => this.drain(), 5)
  }

  get queued(): number {
    return this.waiting.length
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    for (const proceed of this.waiting.splice(0)) proceed()
  }

  private drain(): void {
    this.timer = null
    this.refill()
    while (this.tokens >= 1 && this.waiting.length > 0) {
      this.tokens -= 1
      this.waiting.shift()!()
    }
    if (this.waiting.length > 0) this.timer = setTimeout(() => this.drain(), 5)
  }

  private refill(): void {
    const now = this.clock.now()
    // At most 100 ms of budget: a burst after a quiet spell is bounded too.
    this.tokens = Math.min(this.perSecond / 10, this.tokens + ((now - this.last) * this.perSecond) / 1000)
    this.last = now
  }
}
