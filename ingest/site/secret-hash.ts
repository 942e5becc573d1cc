import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto'
import { z } from 'zod'

// scrypt with N=2^14, r=8, p=1: about 16 MB and some tens of milliseconds per check, run on the
// libuv thread pool, never on the event loop. Fixed here so that the stored form stays short.
const COST = { N: 16_384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 }
const SALT_BYTES = 16
const KEY_BYTES = 32

/** `scrypt$<salt>$<hash>`, both base64url without padding (README "Secrets"). */
export const HASHED_SECRET = /^scrypt\$([A-Za-z0-9_-]{22})\$([A-Za-z0-9_-]{43})$/

/** A secret in the site file: plain text, or its hash from `npm run hash-secret`. */
export const StoredSecret = (minLength: number) =>
  z
    .string()
    .min(minLength)
    .refine(
      (s) => !s.startsWith('scrypt$') || HASHED_SECRET.test(s),
      'a hashed secret is scrypt$<salt>$<hash>, as printed by npm run hash-secret',
    )

export function isHashedSecret(stored: string): boolean {
  return HASHED_SECRET.test(stored)
}

export async function hashSecret(plain: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(plain, salt)
  return `scrypt$${salt.toString('base64url')}$${key.toString('base64url')}`
}

/**
 * Compares a given secret with a stored one (plain or hashed) in constant time. Plain secrets are
 * compared as SHA-256 digests, so that not even their length leaks.
 */
export async function verifySecret(stored: string, given: string): Promise<boolean> {
  const match = HASHED_SECRET.exec(stored)
  if (!match) return sameDigest(stored, given)
  const expected = Buffer.from(match[2]!, 'base64url')
  const key = await derive(given, Buffer.from(match[1]!, 'base64url'))
  return timingSafeEqual(expected, key)
}

export function sameDigest(a: string, b: string): boolean {
  return timingSafeEqual(digest(a), digest(b))
}

export function digest(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest()
}

function derive(plain: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(plain, salt, KEY_BYTES, COST, (err, key) => (err ? reject(err) : resolve(key))),
  )
}
