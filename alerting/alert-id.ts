import { createHash, randomBytes } from 'node:crypto'

// ULID-like ids (Crockford base32): 10 characters of epoch ms, then 16 characters (80 bits) that
// make ids of one millisecond unique. Ids sort by time as plain strings, which the store's "newest
// first" order and an SQLite text index rely on. Two sources fill the 80 bits:
// - random (the embedded gateway): drawn afresh for each new millisecond;
// - deterministic (a cluster partition, docs/cluster.md "Running cluster mode"): 40 bits of a hash
//   of the namespace, then a 40-bit counter, so that replaying the same input gives the same ids,
//   and two partitions (two namespaces, unless their 40-bit hashes collide) never make the same id
//   in the same millisecond.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_CHARS = 10
const LOW_CHARS = 16
const LOW_MAX = (1n << 80n) - 1n
const COUNTER_BITS = 40n
const COUNTER_MAX = (1n << COUNTER_BITS) - 1n
const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/

export type IdGenerator = (now: number) => string

/** An id generator whose position can be saved (the last id it made) and resumed from. */
export interface IdSource {
  next(now: number): string
  /** The last id made (or the one it was seeded with); null before any. */
  last(): string | null
}

/**
 * Strictly increasing ids. Within one millisecond, or when the clock steps back (virtual time,
 * NTP, a message older than the last), the low part of the previous id is incremented instead of
 * made anew, so ids stay unique and ordered. `after` seeds it with the newest id already stored
 * (or a snapshot's position), which keeps the order across restarts even if the clock went back.
 */
class IdSequence implements IdSource {
  private lastTime = -1
  private lastLow = 0n
  private lastId: string | null = null

  constructor(
    /** The low part of the first id of a millisecond. */
    private readonly fresh: () => bigint,
    /** The greatest low part before the next millisecond is borrowed. */
    private readonly lowMax: bigint,
    after: string | null,
    /** A seed from another source (another namespace): go on after its millisecond. */
    foreign: (low: bigint) => boolean,
  ) {
    if (after === null || !ID_PATTERN.test(after)) return
    this.lastId = after
    this.lastTime = Number(decode(after.slice(0, TIME_CHARS)))
    const low = decode(after.slice(TIME_CHARS))
    this.lastLow = foreign(low) ? lowMax : low
  }

  next(now: number): string {
    let time = Math.max(0, Math.floor(now))
    let low: bigint
    if (time <= this.lastTime) {
      time = this.lastTime
      low = this.lastLow + 1n
      if (low > this.lowMax) {
        // Beyond 2^40 ids in one millisecond (cannot happen in practice): borrow the next one.
        time += 1
        low = this.fresh()
      }
    } else {
      low = this.fresh()
    }
    this.lastTime = time
    this.lastLow = low
    this.lastId = encode(BigInt(time), TIME_CHARS) + encode(low, LOW_CHARS)
    return this.lastId
  }

  last(): string | null {
    return this.lastId
  }
}

/** Random ids (the embedded gateway's). */
export function createRandomIds(after: string | null = null): IdSource {
  // Leave headroom below 2^80 so that increments within one millisecond never overflow.
  const fresh = () => BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n
  return new IdSequence(fresh, LOW_MAX, after, () => false)
}

/**
 * Deterministic ids for one namespace (a partition, and the kind of record: `p7/alert`): the same
 * input gives the same ids, on replay and after a hand-over from a snapshot. A seed made by
 * another source is gone past: the next id takes the millisecond after it.
 */
export function createDeterministicIds(namespace: string, after: string | null = null): IdSource {
  const prefix = namespaceBits(namespace) << COUNTER_BITS
  const lowMax = prefix | COUNTER_MAX
  return new IdSequence(
    () => prefix,
    lowMax,
    after,
    (low) => low >> COUNTER_BITS !== prefix >> COUNTER_BITS,
  )
}

/** A random-id generator as a plain function (the older interface; `createRandomIds` for a position). */
export function createIdGenerator(after: string | null = null): IdGenerator {
  const source = createRandomIds(after)
  return (now) => source.next(now)
}

/** 40 bits of the namespace's SHA-256: the same on every machine and every run. */
function namespaceBits(namespace: string): bigint {
  return BigInt(`0x${createHash('sha256').update(namespace).digest('hex').slice(0, 10)}`)
}

function encode(value: bigint, length: number): string {
  let out = ''
  let rest = value
  for (let i = 0; i < length; i++) {
    out = ALPHABET[Number(rest & 31n)] + out
    rest >>= 5n
  }
  return out
}

function decode(text: string): bigint {
  let value = 0n
  for (const ch of text) value = (value << 5n) | BigInt(ALPHABET.indexOf(ch))
  return value
}
