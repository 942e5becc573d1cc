import { TokenBucket } from '../../limits/rate-buckets.ts'

/**
 * Telemetry messages handled in one event-loop turn; the rest wait for the next turn. About 3 ms
 * of work here: a fire event read in the next poll waits behind at most that, not behind every
 * reading that piled up in 800 sockets while the loop was busy. Hand-runs at 10,000 readings/s
 * (tests/bench/RESULTS.md): event-to-alert p99 17-26 ms with 50 and 25, 62-70 ms with 100.
 */
export const TELEMETRY_PER_TURN = 50

/** Why telemetry waits: the ingress rate (publishers slowed) or this turn's share (alarms first). */
export type DelayReason = 'rate' | 'turn'

/**
 * A token bucket over all telemetry, and a share per event-loop turn. When either is spent the
 * publish callback waits, so aedes stops reading that client's socket: TCP backpressure slows the
 * device instead of the broker queueing without bound (aedes 1.x can overflow its stack under
 * such queues). Waiting messages go on in arrival order; events and status never wait here.
 */
export class IngressLimiter {
  /** At most 100 ms of budget: a burst after a quiet spell is bounded too. */
  private readonly bucket: TokenBucket
  private waiting: (() => void)[] = []
  /** Index of the next waiting entry: shift() on a long queue would be O(n) per message. */
  private head = 0
  /** What the waiting messages wait for, and so how the drain is scheduled. */
  private blockedBy: DelayReason = 'rate'
  private drainTimer: NodeJS.Timeout | null = null
  private drainImmediate: NodeJS.Immediate | null = null
  /** Telemetry let through in the current turn; a setImmediate (the turn's check phase) resets it. */
  private turnUsed = 0
  /** Publishes held back by a publisher's own rate (hold), by their timers. */
  private readonly held = new Map<NodeJS.Timeout, () => void>()

  constructor(
    perSecond: number,
    clock: { now(): number },
    private readonly onDelayed: (reason: DelayReason) => void,
    private readonly perTurn = TELEMETRY_PER_TURN,
  ) {
    this.bucket = new TokenBucket(perSecond, perSecond / 10, clock)
  }

  /** True when one message may go now (nobody is waiting and both budgets allow). */
  tryTake(): boolean {
    if (this.head < this.waiting.length) return false
    if (this.turnUsed >= this.perTurn) {
      this.blockedBy = 'turn'
      return false
    }
    if (!this.bucket.take()) {
      this.blockedBy = 'rate'
      return false
    }
    this.countTurn()
    return true
  }

  /** Runs `proceed` as soon as the budgets allow, after everything already waiting (FIFO). */
  enqueue(proceed: () => void): void {
    this.onDelayed(this.blockedBy)
    this.waiting.push(proceed)
    this.scheduleDrain()
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
    this.cancelDrain()
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

  private countTurn(): void {
    if (this.turnUsed++ === 0) setImmediate(this.endTurn)
  }

  private readonly endTurn = (): void => {
    this.turnUsed = 0
  }

  /**
   * A turn's share runs in the next check phase (setImmediate): the poll in between reads the
   * sockets, so an alarm that arrived meanwhile goes first. A spent rate waits 5 ms for tokens.
   */
  private scheduleDrain(): void {
    if (this.drainTimer || this.drainImmediate) return
    if (this.blockedBy === 'turn') this.drainImmediate = setImmediate(this.drain)
    else this.drainTimer = setTimeout(this.drain, 5)
  }

  private cancelDrain(): void {
    if (this.drainTimer) clearTimeout(this.drainTimer)
    if (this.drainImmediate) clearImmediate(this.drainImmediate)
    this.drainTimer = null
    this.drainImmediate = null
  }

  private readonly drain = (): void => {
    this.drainTimer = null
    this.drainImmediate = null
    let ran = 0
    while (this.head < this.waiting.length) {
      if (ran >= this.perTurn) {
        this.blockedBy = 'turn'
        break
      }
      if (!this.bucket.take()) {
        this.blockedBy = 'rate'
        break
      }
      const proceed = this.waiting[this.head]!
      this.waiting[this.head++] = noop
      ran++
      proceed()
    }
    if (this.head === this.waiting.length) {
      this.waiting = []
      this.head = 0
    } else this.scheduleDrain()
  }
}

function noop(): void {}
