export interface LoginGuardOptions {
  /** Failures of a key before its answers are delayed. */
  backoffAfter: number
  /** Failures of a key before it is locked out. */
  lockoutAfter: number
  lockoutMs: number
  clock: { now(): number }
}

/**
 * `delayMs`: how long MQTT holds the answer back; `backoffMs`: how long the back-off after the last
 * failure still runs (for HTTP, which refuses with 429 and Retry-After meanwhile instead).
 */
export type LoginVerdict =
  | { kind: 'check'; delayMs: number; backoffMs: number }
  | { kind: 'locked'; key: string }

interface Failures {
  count: number
  last: number
  lockedUntil: number
}

const MAX_DELAY_MS = 8_000
const MAX_KEYS = 100_000

/**
 * Failed-login back-off and lockout. Keys are the source address and the username *at* that
 * address, never the username alone: a lockout by device id would let anyone silence a sensor by
 * failing logins in its name from elsewhere (SECURITY.md). A key forgets its failures after a
 * lockout period without any.
 */
export class LoginGuard {
  private readonly failures = new Map<string, Failures>()

  constructor(private readonly opts: LoginGuardOptions) {}

  /** Before any secret is checked: refuse at once when locked, otherwise how long to delay. */
  before(address: string, username: string): LoginVerdict {
    const now = this.opts.clock.now()
    let worst = 0
    let backoffMs = 0
    for (const key of keysOf(address, username)) {
      const f = this.current(key, now)
      if (!f) continue
      if (f.lockedUntil > now) return { kind: 'locked', key }
      worst = Math.max(worst, f.count)
      backoffMs = Math.max(backoffMs, f.last + this.delayFor(f.count) - now)
    }
    return { kind: 'check', delayMs: this.delayFor(worst), backoffMs }
  }

  /** Counts a failure; true when it locked a key out just now. */
  failed(address: string, username: string): boolean {
    const now = this.opts.clock.now()
    let locked = false
    for (const key of keysOf(address, username)) {
      const f = this.current(key, now) ?? this.create(key, now)
      f.count += 1
      f.last = now
      if (f.count >= this.opts.lockoutAfter && f.lockedUntil <= now) {
        f.lockedUntil = now + this.opts.lockoutMs
        locked = true
      }
    }
    return locked
  }

  /**
   * A good login clears the username-at-address key only: one valid device must not wipe out the
   * failures of the address it shares with an attacker.
   */
  succeeded(address: string, username: string): void {
    this.failures.delete(userKey(address, username))
  }

  private delayFor(failures: number): number {
    const over = failures - this.opts.backoffAfter
    return over < 0 ? 0 : Math.min(MAX_DELAY_MS, 250 * 2 ** over)
  }

  private current(key: string, now: number): Failures | undefined {
    const f = this.failures.get(key)
    if (f && f.lockedUntil <= now && now - f.last > this.opts.lockoutMs) {
      this.failures.delete(key)
      return undefined
    }
    return f
  }

  private create(key: string, now: number): Failures {
    if (this.failures.size >= MAX_KEYS) {
      const oldest = this.failures.keys().next()
      if (!oldest.done) this.failures.delete(oldest.value)
    }
    const f = { count: 0, last: now, lockedUntil: 0 }
    this.failures.set(key, f)
    return f
  }
}

function keysOf(address: string, username: string): string[] {
  return [`addr\u0000${address}`, userKey(address, username)]
}

function userKey(address: string, username: string): string {
  return `user\u0000${username}\u0000${address}`
}
