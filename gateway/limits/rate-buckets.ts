/**
 * Token buckets by key (a source address, a client id at an address...). `take` refills the
 * key's bucket for the time passed and spends one token. The map is bounded: when it is full the
 * oldest keys go first, which at worst gives a forgotten key a fresh (full) bucket.
 */
/** One token bucket: `perSecond` tokens a second, at most `burst` saved up. */
export class TokenBucket {
  private tokens: number
  private at: number

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: { now(): number },
  ) {
    this.tokens = burst
    this.at = clock.now()
  }

  /** True when one action may go now; false when the budget is spent. */
  take(): boolean {
    this.refill()
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }

  /**
   * Books the next token, in the future when the budget is spent: the milliseconds until it is
   * due (0 = now), or null when that is more than `maxWaitMs` away (nothing is booked then).
   */
  reserve(maxWaitMs: number): number | null {
    this.refill()
    // Below one token the bucket is in debt: each booking waits for the ones booked before it.
    const waitMs = this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.perSecond)
    if (waitMs > maxWaitMs) return null
    this.tokens -= 1
    return waitMs
  }

  /** Whole seconds until a token is there again (for Retry-After). */
  secondsUntilNext(): number {
    if (this.tokens >= 1) return 0
    return Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond))
  }

  private refill(): void {
    const now = this.clock.now()
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) * this.perSecond) / 1000)
    this.at = now
  }
}

/**
 * Token buckets by key (a source address, a client id at an address...). The map is bounded: when
 * it is full the oldest keys go first, which at worst gives a forgotten key a fresh (full) bucket.
 */
export class RateBuckets<K> {
  private readonly buckets = new Map<K, TokenBucket>()

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: { now(): number },
    private readonly maxKeys = 100_000,
  ) {}

  /** True when the key may act now; false when its budget is spent. */
  take(key: K): boolean {
    return this.bucket(key).take()
  }

  /**
   * Books the key's next token (TokenBucket.reserve). The caller holds the action back for the
   * milliseconds returned: the key is slowed, not refused.
   */
  reserve(key: K, maxWaitMs: number): number | null {
    return this.bucket(key).reserve(maxWaitMs)
  }

  /** Whole seconds until the key has a token again (for Retry-After). */
  secondsUntilNext(key: K): number {
    return this.buckets.get(key)?.secondsUntilNext() ?? 0
  }

  forget(key: K): void {
    this.buckets.delete(key)
  }

  /** The key's bucket, full when new. */
  private bucket(key: K): TokenBucket {
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetOldest()
      bucket = new TokenBucket(this.perSecond, this.burst, this.clock)
      this.buckets.set(key, bucket)
    }
    return bucket
  }

  private forgetOldest(): void {
    const oldest = this.buckets.keys().next()
    if (!oldest.done) this.buckets.delete(oldest.value)
  }
}
