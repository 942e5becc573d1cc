import { createHash, createPublicKey } from 'node:crypto'
import { z } from 'zod'

const Base64Url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/)

const SubscriptionJson = z.object({
  endpoint: z.url({ protocol: /^https$/ }),
  keys: z.object({ p256dh: Base64Url, auth: Base64Url }),
})

/** A browser's PushSubscription (subscription.toJSON()) as stored for a contact. */
export interface PushSubscription {
  endpoint: string
  keys: { p256dh: string; auth: string }
}

/**
 * The subscription in a push destination's address, or why it can never be used: not JSON, not
 * https, or keys that are not a P-256 point and a 16-byte auth secret (RFC 8291 §3).
 */
export function parseSubscription(address: string): PushSubscription | { invalid: string } {
  let json: unknown
  try {
    json = JSON.parse(address)
  } catch {
    return { invalid: 'push subscription is not JSON' }
  }
  const parsed = SubscriptionJson.safeParse(json)
  if (!parsed.success)
    return { invalid: `push subscription: ${parsed.error.issues[0]?.message ?? 'invalid'}` }
  const { p256dh, auth } = parsed.data.keys
  if (Buffer.from(auth, 'base64url').length !== 16)
    return { invalid: 'push subscription: auth is not 16 bytes' }
  if (!isP256Point(Buffer.from(p256dh, 'base64url'))) {
    return { invalid: 'push subscription: p256dh is not an uncompressed P-256 public key' }
  }
  return { endpoint: parsed.data.endpoint, keys: { p256dh, auth } }
}

function isP256Point(point: Buffer): boolean {
  if (point.length !== 65 || point[0] !== 0x04) return false
  const x = point.subarray(1, 33).toString('base64url')
  const y = point.subarray(33).toString('base64url')
  try {
    // Importing checks that the point is on the curve.
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x, y }, format: 'jwk' })
    return true
  } catch {
    return false
  }
}

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/

/**
 * The Topic header for an alert (RFC 8030 §5.4): at most 32 characters of the URL-safe base64
 * alphabet. A push service keeps only the newest pending message per topic, so an update of an
 * alert replaces the one a sleeping phone has not fetched yet. Ids that do not fit are hashed.
 */
export function pushTopic(alertId: string): string {
  if (TOPIC.test(alertId)) return alertId
  return createHash('sha256').update(alertId).digest('base64url').slice(0, 32)
}
