import { timingSafeEqual } from 'node:crypto'
import { digest, isHashedSecret, verifySecret } from './secret-hash.ts'

/**
 * Remembers, per hashed secret, the digest of the value that last matched it, so that a device
 * reconnecting every few seconds costs one scrypt in total, not one per login. Only values that
 * matched are remembered here: wrong guesses are RefusedSecrets' business.
 */
export class SecretVerifier {
  private readonly verified = new Map<string, Buffer>()

  /** `givenDigest`: digest(given), when the caller has already taken it. */
  async verify(stored: string, given: string, givenDigest?: Buffer): Promise<boolean> {
    if (!isHashedSecret(stored)) return verifySecret(stored, given)
    const d = givenDigest ?? digest(given)
    if (this.knownMatch(stored, d)) return true
    const ok = await verifySecret(stored, given)
    if (ok) this.verified.set(stored, d)
    return ok
  }

  /** True without any scrypt when the value of `givenDigest` (digest()) last matched `stored`. */
  knownMatch(stored: string, givenDigest: Buffer): boolean {
    const known = this.verified.get(stored)
    return known !== undefined && timingSafeEqual(known, givenDigest)
  }
}

export interface RefusedSecretsOptions {
  ttlMs: number
  maxEntries: number
  clock: { now(): number }
}

/**
 * Digests (SHA-256, never the value itself) of values that scrypt refused recently, so that the
 * same wrong bearer token sent again is refused without another scrypt. Bounded in size and age:
 * the oldest entry goes first when it is full. Valid only for the secrets it was filled against;
 * its owner (one SiteModel, whose secrets never change) is replaced as a whole with the site.
 */
export class RefusedSecrets {
  /** Hex digest → when it expires; insertion order is age order. */
  private readonly refused = new Map<string, number>()

  constructor(private readonly opts: RefusedSecretsOptions) {}

  /** `givenDigest`: digest() of the value, taken once by the caller for every check it makes. */
  has(givenDigest: Buffer): boolean {
    const key = givenDigest.toString('hex')
    const until = this.refused.get(key)
    if (until === undefined) return false
    if (until > this.opts.clock.now()) return true
    this.refused.delete(key)
    return false
  }

  add(givenDigest: Buffer): void {
    const key = givenDigest.toString('hex')
    this.refused.delete(key)
    if (this.refused.size >= this.opts.maxEntries) {
      const oldest = this.refused.keys().next()
      if (!oldest.done) this.refused.delete(oldest.value)
    }
    this.refused.set(key, this.opts.clock.now() + this.opts.ttlMs)
  }
}

/**
 * At most `size` holders at once, the others wait in arrival order. Bounds the scrypt checks of
 * bearer tokens: each takes a libuv thread-pool thread (4 by default) for tens of milliseconds,
 * and the gateway needs that pool for files and DNS too.
 */
export class Permits {
  private free: number
  private readonly waiting: (() => void)[] = []

  constructor(size: number) {
    this.free = size
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.free > 0) this.free -= 1
    else await new Promise<void>((resolve) => this.waiting.push(resolve))
    try {
      return await task()
    } finally {
      // The permit passes straight to the next waiter, so a newcomer cannot jump the queue.
      const next = this.waiting.shift()
      if (next) next()
      else this.free += 1
    }
  }
}
