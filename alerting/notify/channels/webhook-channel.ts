import { createHash } from 'node:crypto'
import type { Clock } from '../../deps.ts'
import type { Channel, SendResult } from '../channel.ts'
import { isRetryableStatus, parseRetryAfter, retryResult, transportFailure } from './http-outcome.ts'
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, webhookSignature } from './webhook-signature.ts'

export interface WebhookOptions {
  clock: Clock
  /** A receiver that has not answered by then is tried again later. */
  timeoutMs: number
  fetch?: typeof fetch
}

/**
 * Channel 'webhook': a signed JSON POST of {alert, incident, text, locale, ackUrl, idempotencyKey} to the contact's
 * URL. Redirects are not followed: a POST silently turned into a GET, or sent to another host
 * with the signature, would be worse than a clear failure.
 */
export function createWebhookChannel(options: WebhookOptions): Channel {
  const doFetch = options.fetch ?? fetch
  return {
    kind: 'webhook',
    async send(to, message): Promise<SendResult> {
      const invalid = invalidDestination(to.address, to.secret)
      if (invalid) return { outcome: 'permanent', reason: invalid }
      const { alert, incident, text, locale, ackUrl, idempotencyKey } = message
      const body = JSON.stringify({
        alert,
        ...(incident ? { incident } : {}),
        text,
        locale,
        ackUrl,
        idempotencyKey,
      })
      const timestamp = Math.floor(options.clock.now() / 1000)
      try {
        const response = await doFetch(to.address, {
          method: 'POST',
          redirect: 'manual',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'firewatch-webhook/1',
            'x-firewatch-idempotency-key': idempotencyKey,
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: webhookSignature(to.secret!, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(options.timeoutMs),
        })
        // Read the answer to the end so that the connection can be reused.
        await response.arrayBuffer()
        return outcomeOf(response, body, options.clock.now())
      } catch (error) {
        return { outcome: 'retry', reason: `webhook: ${transportFailure(error)}` }
      }
    },
  }
}

function invalidDestination(address: string, secret: string | undefined): string | null {
  if (!URL.canParse(address) || !/^https?:$/.test(new URL(address).protocol)) {
    return `not an http(s) webhook URL: ${JSON.stringify(address)}`
  }
  // Receivers must be able to tell our calls from anyone else's.
  if (!secret) return 'webhook destination has no signing secret'
  return null
}

function outcomeOf(response: Response, body: string, nowMs: number): SendResult {
  const status = response.status
  if (status >= 200 && status < 300) {
    const requestId = response.headers.get('x-request-id')
    const digest = createHash('sha256').update(body).digest('hex').slice(0, 24)
    return { outcome: 'sent', providerId: requestId || `webhook:${digest}` }
  }
  const reason = `webhook answered ${status}`
  if (isRetryableStatus(status))
    return retryResult(reason, parseRetryAfter(response.headers.get('retry-after'), nowMs))
  return { outcome: 'permanent', reason }
}
