import { createHash } from 'node:crypto'
import type { Agent } from 'node:https'
import webpush from 'web-push'
import type { Clock } from '../../deps.ts'
import type { Channel, NotificationMessage, SendResult } from '../channel.ts'
import {
  bodySnippet,
  isRetryableStatus,
  parseRetryAfter,
  retryResult,
  transportFailure,
} from './http-outcome.ts'
import type { PushServiceHosts } from './push-service-hosts.ts'
import { type PushSubscription, parseSubscription, pushTopic } from './push-subscription.ts'
import type { VapidKeys } from './vapid-keys.ts'

export interface WebPushOptions {
  vapid: VapidKeys
  /** mailto: or https: contact of the operator, sent in every VAPID token (RFC 8292 §2.1). */
  subject: string
  clock: Clock
  /** PUSH_SERVICE_HOSTS: an endpoint anywhere else is never sent to (it may predate the list). */
  serviceHosts: PushServiceHosts
  /** Seconds a push service keeps an undelivered message; an alarm older than that is noise. */
  ttlSec?: number
  timeoutMs?: number
  /** TLS agent for the push service, e.g. one that trusts a test peer's self-signed certificate. */
  agent?: Agent
}

const DEFAULT_TTL_SEC = 300
const DEFAULT_TIMEOUT_MS = 10_000
/** VAPID tokens may live 24 h at most (RFC 8292 §2); half a day leaves room for clock skew. */
const JWT_LIFETIME_SEC = 12 * 3600
/** Push services accept 4096 bytes of encrypted body; keep the plaintext well below. */
const MAX_PAYLOAD_BYTES = 3000

/** Channel 'push': Web Push (RFC 8030) with VAPID (RFC 8292) and aes128gcm payloads (RFC 8291). */
export function createWebPushChannel(options: WebPushOptions): Channel {
  return {
    kind: 'push',
    async send(to, message): Promise<SendResult> {
      const subscription = parseSubscription(to.address)
      if ('invalid' in subscription) return { outcome: 'permanent', reason: subscription.invalid }
      const refusal = options.serviceHosts.refusal(subscription.endpoint)
      if (refusal !== null) return { outcome: 'permanent', reason: refusal }
      try {
        const answer = await webpush.sendNotification(
          subscription,
          pushPayload(message),
          requestOptions(options, subscription, message),
        )
        return { outcome: 'sent', providerId: answer.headers.location ?? fallbackId(subscription, message) }
      } catch (error) {
        return failure(error, options.clock.now())
      }
    },
  }
}

/**
 * What the service worker receives; the whole alert and incident only while they keep the message
 * small (the incident first: its id and title are what a person acts on).
 */
function pushPayload(message: NotificationMessage): string {
  const base = {
    type: 'firewatch.alert',
    alertId: message.alertId,
    locale: message.locale,
    title: message.title,
    text: message.text,
    ackUrl: message.ackUrl,
    urgent: message.urgent,
  }
  const incident = message.incident ? { incident: message.incident } : {}
  const full = JSON.stringify({ ...base, ...incident, alert: message.alert })
  if (Buffer.byteLength(full) <= MAX_PAYLOAD_BYTES) return full
  const lean = JSON.stringify({ ...base, ...incident })
  return Buffer.byteLength(lean) <= MAX_PAYLOAD_BYTES ? lean : JSON.stringify(base)
}

function requestOptions(
  options: WebPushOptions,
  subscription: PushSubscription,
  message: NotificationMessage,
) {
  const audience = new URL(subscription.endpoint).origin
  // The token's expiry comes from the injected clock; web-push would read the wall clock itself.
  // No vapidDetails is passed (and none is ever set globally), so web-push keeps this header.
  const exp = Math.floor(options.clock.now() / 1000) + JWT_LIFETIME_SEC
  const { Authorization } = webpush.getVapidHeaders(
    audience,
    options.subject,
    options.vapid.publicKey,
    options.vapid.privateKey,
    'aes128gcm',
    exp,
  )
  return {
    headers: { Authorization },
    TTL: options.ttlSec ?? DEFAULT_TTL_SEC,
    urgency: message.urgent ? ('high' as const) : ('normal' as const),
    topic: pushTopic(message.alertId),
    contentEncoding: 'aes128gcm' as const,
    timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    ...(options.agent ? { agent: options.agent } : {}),
  }
}

function failure(error: unknown, nowMs: number): SendResult {
  if (!(error instanceof webpush.WebPushError))
    return { outcome: 'retry', reason: `push: ${transportFailure(error)}` }
  const status = error.statusCode
  if (status === 404 || status === 410) {
    return { outcome: 'permanent', reason: `push subscription gone (${status})`, gone: true }
  }
  const reason = `push service ${status}: ${bodySnippet(error.body ?? '')}`
  if (isRetryableStatus(status))
    return retryResult(reason, parseRetryAfter(error.headers?.['retry-after'], nowMs))
  return { outcome: 'permanent', reason }
}

/** Push services name the message in Location (RFC 8030 §5); without it, a stable local id. */
function fallbackId(subscription: PushSubscription, message: NotificationMessage): string {
  const digest = createHash('sha256').update(`${subscription.endpoint}\n${message.idempotencyKey}`)
  return `push:${digest.digest('hex').slice(0, 24)}`
}
