import { createHmac, timingSafeEqual } from 'node:crypto'

export const TIMESTAMP_HEADER = 'x-firewatch-timestamp'
export const SIGNATURE_HEADER = 'x-firewatch-signature'

/** Hex HMAC-SHA256 of `${timestamp}.${body}`: the timestamp is signed, so it cannot be moved. */
export function webhookSignature(secret: string, timestamp: number | string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex')
}

/**
 * For receivers of Firewatch webhooks: true when `signature` (X-Firewatch-Signature) was made with
 * this secret over this exact body and timestamp (X-Firewatch-Timestamp, epoch seconds), and the
 * timestamp is within `toleranceSec` of the receiver's clock, so a captured request cannot be
 * replayed later. Within the window, deduplicate by the body's idempotencyKey.
 */
export function verifyWebhookSignature(
  secret: string,
  timestamp: string | number,
  body: string,
  signature: string | undefined,
  nowSec: number,
  toleranceSec = 300,
): boolean {
  const text = String(timestamp)
  if (!/^\d{1,12}$/.test(text) || !signature) return false
  if (Math.abs(nowSec - Number(text)) > toleranceSec) return false
  const expected = Buffer.from(webhookSignature(secret, text, body), 'utf8')
  const given = Buffer.from(signature.toLowerCase(), 'utf8')
  return expected.length === given.length && timingSafeEqual(expected, given)
}
