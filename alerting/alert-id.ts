import { randomBytes } from 'node:crypto'

// ULID-like ids (Crockford base32): 10 characters of epoch ms, then 16 of randomness. Ids sort by
// time as plain strings, which the store's "newest first" order and an SQLite text index rely on.
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const TIME_CHARS = 10
const RANDOM_CHARS = 16
const RANDOM_MAX = (1n << 80n) - 1n
const ID_PATTERN = /^[0-9A-HJKMNP-TV-Z]{26}$/

export type IdGenerator = (now: number) => string

/**
 * Returns a generator of strictly increasing ids. Within one millisecond, or when the clock steps
 * back (virtual time, NTP), the random part of the previous id is incremented instead of drawn
 * anew, so ids stay unique and ordered. `after` seeds it with the newest id already stored, which
 * keeps the order across restarts even if the clock went back while the process was down.
 */
export function createIdGenerator(after: string | null = null): IdGenerator {
  let lastTime = -1
  let lastRandom = 0n
  if (after !== null && ID_PATTERN.test(after)) {
    lastTime = Number(decode(after.slice(0, TIME_CHARS)))
    lastRandom = decode(after.slice(TIME_CHARS))
  }
  return (now) => {
    let time = Math.max(0, Math.floor(now))
    let random: bigint
    if (time <= lastTime) {
      time = lastTime
      random = lastRandom + 1n
      if (random > RANDOM_MAX) {
        // 2^80 ids in one millisecond cannot happen in practice; borrow the next millisecond.
        time += 1
        random = freshRandom()
      }
    } else {
      random = freshRandom()
    }
    lastTime = time
    lastRandom = random
    return encode(BigInt(time), TIME_CHARS) + encode(random, RANDOM_CHARS)
  }
}

function freshRandom(): bigint {
  // Leave headroom below 2^80 so that increments within one millisecond never overflow.
  return BigInt(`0x${randomBytes(10).toString('hex')}`) >> 1n
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
