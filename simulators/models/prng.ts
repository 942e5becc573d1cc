/**
 * A small seeded PRNG per simulated device (mulberry32): same seed, same stream, on every
 * platform and Node version, which Math.random cannot promise. Not for anything secret.
 */
export class Prng {
  private state: number
  /** A second normal deviate from the last Box-Muller pair, or NaN. */
  private spare = Number.NaN

  constructor(seed: number) {
    this.state = seed | 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform in [min, max). */
  between(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  /** Normal with mean 0 and standard deviation sd (Box-Muller, pairs cached). */
  normal(sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare
      this.spare = Number.NaN
      return z * sd
    }
    const u = 1 - this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v) * sd
  }
}

/** A 32-bit seed from any mix of numbers and strings (FNV-1a), e.g. seedOf(scenarioSeed, deviceId). */
export function seedOf(...parts: (string | number)[]): number {
  let h = 0x811c9dc5
  for (const part of parts) {
    const text = `${part}\u0000`
    for (let i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i)
      h = Math.imul(h, 0x01000193)
    }
  }
  return h >>> 0
}
