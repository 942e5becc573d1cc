import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { FirewatchError } from '../../ingest/index.ts'

// One-tap acknowledgement tokens, in two shapes:
// - short (issued now): `<nonce><mac>`, 10 + 8 URL-safe characters, in links `/a/<token>`; the
//   incident (and its lead alert), the contact and the expiry are kept in the outbox database
//   under the nonce
//   (ack-links.ts). A whole Chinese SMS segment is 70 characters: a long link alone filled it.
// - long (issued by earlier versions, still accepted until they expire):
//   `<alertId>.<contact>.<expiry>.<nonce>.<mac>`, every claim in the token.
// The MAC is HMAC-SHA256, truncated to 128 bits in the long shape and to 48 bits in the short one
// (RFC 2104 §5 allows truncation; the short one guards a 60-bit random nonce that must also be in
// the database, a guess costs a request, and a link lives for hours).

const KEY_FILE = 'ack-link.key'
const KEY_BYTES = 32
const MAC_BYTES = 16

export interface AckClaims {
  /** For a link of an incident, the incident's lead alert when the link was issued. */
  alertId: string
  /** Short links of an incident: acknowledging acknowledges the whole incident. */
  incidentId?: string | null
  contact: string
  /** Epoch ms. */
  expiresAt: number
  /** Makes every link unique; the spent-links table is keyed by it. */
  nonce: string
}

export type VerifiedToken = { ok: true; claims: AckClaims } | { ok: false; reason: 'invalid' | 'expired' }

/**
 * The HMAC key, generated on first start and kept in DATA_DIR (mode 0600). Created through a
 * temporary file and a hard link, so two processes starting at once end up with the same key and
 * a crash never leaves a half-written one.
 */
export function loadOrCreateAckKey(dataDir: string): Buffer {
  const file = join(dataDir, KEY_FILE)
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    const existing = readKey(file)
    if (existing) return existing
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
    writeFileSync(tmp, `${randomBytes(KEY_BYTES).toString('hex')}\n`, { mode: 0o600, flush: true })
    try {
      linkSync(tmp, file)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    } finally {
      unlinkSync(tmp)
    }
    const key = readKey(file)
    if (!key) throw new Error(`${file} does not hold a ${KEY_BYTES}-byte hex key`)
    return key
  } catch (err) {
    throw new FirewatchError('FGW_ERR_NOTIFY_KEY', `cannot read or create ${file}`, { cause: err })
  }
}

function readKey(file: string): Buffer | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8').trim()
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
  if (!/^[0-9a-f]+$/.test(text) || text.length !== KEY_BYTES * 2) {
    throw new Error(`${file} does not hold a ${KEY_BYTES}-byte hex key`)
  }
  return Buffer.from(text, 'hex')
}

export function newNonce(): string {
  return randomBytes(9).toString('base64url')
}

const SHORT_NONCE_CHARS = 10
const SHORT_MAC_BYTES = 6
const SHORT_TOKEN = /^[A-Za-z0-9_-]{18}$/

/** 60 random bits, URL-safe. */
export function newShortNonce(): string {
  return randomBytes(8).toString('base64url').slice(0, SHORT_NONCE_CHARS)
}

/** A short token for a nonce of newShortNonce(). */
export function signShortToken(key: Buffer, nonce: string): string {
  return `${nonce}${shortMac(key, nonce)}`
}

/** The nonce of a short token whose MAC is right; null for anything else (a long token included). */
export function shortTokenNonce(key: Buffer, token: string): string | null {
  if (!SHORT_TOKEN.test(token)) return null
  const nonce = token.slice(0, SHORT_NONCE_CHARS)
  const expected = Buffer.from(shortMac(key, nonce))
  const actual = Buffer.from(token.slice(SHORT_NONCE_CHARS))
  return actual.length === expected.length && timingSafeEqual(actual, expected) ? nonce : null
}

function shortMac(key: Buffer, nonce: string): string {
  return createHmac('sha256', key)
    .update(`short.${nonce}`)
    .digest()
    .subarray(0, SHORT_MAC_BYTES)
    .toString('base64url')
}

export function signAckToken(key: Buffer, claims: AckClaims): string {
  const body = [claims.alertId, claims.contact, Math.ceil(claims.expiresAt / 1000).toString(36), claims.nonce]
  const text = body.join('.')
  return `${text}.${mac(key, text).toString('base64url')}`
}

export function verifyAckToken(key: Buffer, token: string, now: number): VerifiedToken {
  const parts = token.split('.')
  if (parts.length !== 5) return { ok: false, reason: 'invalid' }
  const [alertId, contact, expiry, nonce, given] = parts as [string, string, string, string, string]
  // Compared as text: base64url decoding ignores the spare bits of the last character, so two
  // spellings of one MAC would otherwise both pass.
  const expected = Buffer.from(mac(key, parts.slice(0, 4).join('.')).toString('base64url'))
  const actual = Buffer.from(given)
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { ok: false, reason: 'invalid' }
  }
  const expiresAt = Number.parseInt(expiry, 36) * 1000
  if (!Number.isFinite(expiresAt) || now > expiresAt) return { ok: false, reason: 'expired' }
  return { ok: true, claims: { alertId, contact, expiresAt, nonce } }
}

function mac(key: Buffer, text: string): Buffer {
  return createHmac('sha256', key).update(text).digest().subarray(0, MAC_BYTES)
}
