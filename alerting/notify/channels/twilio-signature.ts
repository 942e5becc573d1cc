import { createHmac, timingSafeEqual } from 'node:crypto'

/** Form parameters of a Twilio callback; a repeated key carries several values. */
export type TwilioParams = Record<string, string | readonly string[]>

/**
 * X-Twilio-Signature of a request (twilio.com/docs/usage/security#validating-requests): the full
 * URL Twilio called, then every POST parameter sorted by name, appended as name + value with no
 * separators; HMAC-SHA1 keyed with the auth token; base64. Repeated keys append each value, sorted.
 */
export function twilioSignature(authToken: string, url: string, params: TwilioParams): string {
  let data = url
  for (const name of Object.keys(params).sort()) {
    const value = params[name]!
    const values = typeof value === 'string' ? [value] : [...value].sort()
    for (const v of values) data += name + v
  }
  return createHmac('sha1', authToken).update(data, 'utf8').digest('base64')
}

/**
 * True when `signature` (the X-Twilio-Signature header) was made with this auth token for this URL
 * and these parameters: a status callback really comes from Twilio. Constant-time comparison.
 */
export function verifyTwilioSignature(
  authToken: string,
  url: string,
  params: TwilioParams,
  signature: string | undefined,
): boolean {
  if (!signature) return false
  const expected = Buffer.from(twilioSignature(authToken, url, params))
  const given = Buffer.from(signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
