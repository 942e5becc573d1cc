/**
 * Token buckets by key (a source address, a client id at an address...). `take` refills the
 * key's bucket for the time passed and spends one token. The map is bounded: when it is full the
 * oldest keys go first, which at worst gives a forgotten key a fresh (full) bucket.
 */
export class RateBuckets<K> {
  private readonly buckets = new Map<K, { tokens: number; at: number }>()

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly clock: { now(): number },
    private readonly maxKeys = 100_000,
  ) {}

  /** True when the key may act now; false when its budget is spent. */
  take(key: K): boolean {
    const bucket = this.refilled(key)
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  /**
   * Books the key's next token, in the future when its budget is spent: the milliseconds until it
   * is due (0 = now), or null when that is more than `maxWaitMs` away (nothing is booked then).
   * The caller holds the action back for that long: the key is slowed, not refused.
   */
  reserve(key: K, maxWaitMs: number): number | null {
    const bucket = this.refilled(key)
    // Below one token the bucket is in debt: each booking waits for the ones booked before it.
    const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil(((1 - bucket.tokens) * 1000) / this.perSecond)
    if (waitMs > maxWaitMs) return null
    bucket.tokens -= 1
    return waitMs
  }

  /** Whole seconds until the key has a token again (for Retry-After). */
  secondsUntilNext(key: K): number {
    const bucket = this.buckets.get(key)
    if (!bucket || bucket.tokens >= 1) return 0
    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond))
  }

  forget(key: K): void {
    this.buckets.delete(key)
  }

  /** The key's bucket (full when new), refilled for the time passed since it was last used. */
  private refilled(key: K): { tokens: number; at: number } {
    const now = this.clock.now()
    let bucket = this.buckets.get(key)
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetOldest()
      bucket = { tokens: this.burst, at: now }
      this.buckets.set(key, bucket)
    }
    bucket.tokens = Math.min(this.burst, bucket.tokens + ((now - bucket.at) * this.perSecond) / 1000)
    bucket.at = now
    return bucket
  }

  private forgetOldest(): void {
    const oldest = this.buckets.keys().next()
    if (!oldest.done) this.buckets.delete(oldest.value)
  }
}
