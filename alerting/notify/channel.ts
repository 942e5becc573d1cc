import type { Locale } from '../i18n/locale.ts'

/**
 * One way of reaching a person (SMS, Web Push, webhook). The outbox dispatcher calls `send` for
 * each job; a channel never retries by itself: it says what happened and the outbox decides.
 */
export type ChannelKind = 'sms' | 'push' | 'webhook'

export interface NotificationMessage {
  /** Unique per job (incidentId:contact:channel:level:repeat...): providers that support it deduplicate. */
  idempotencyKey: string
  alertId: string
  /** The reader's language (the contact's, else the site's); `text`, `title` and `params` are in it. */
  locale: Locale
  /** A short heading for push notifications: class and building. */
  title: string
  /** One-segment text where possible; always building, floor, zone, class and the ack link. */
  text: string
  /** Template id and parameters for providers that send templates only (Aliyun SMS). */
  template: string
  params: Record<string, string>
  /** Signed single-use acknowledgement link. */
  ackUrl: string
  /** Full alert JSON for structured channels (push payload, webhook body): the incident's lead alert. */
  alert: Record<string, unknown>
  /** The incident JSON beside it (docs/protocol.md, "Incidents"); absent on messages of no incident. */
  incident?: Record<string, unknown>
  /** High for fire; used for push urgency and TTL. */
  urgent: boolean
}

export interface Destination {
  /** E.164 phone number, push subscription JSON, or webhook URL, by channel. */
  address: string
  /** Per-destination secret where the channel needs one (webhook HMAC key). */
  secret?: string
  /** The contact's name, for whoever shows the message (the `log` SMS provider); never sent. */
  name?: string
}

export type SendResult =
  | { outcome: 'sent'; providerId: string }
  /** Try again later; `retryAfterMs` when the provider said so (HTTP Retry-After, 429). */
  | { outcome: 'retry'; reason: string; retryAfterMs?: number }
  /**
   * Will never work for this destination (unknown number, unsubscribed push endpoint). `gone`: the
   * destination no longer exists at all (push 404 / 410), so it is forgotten, not only marked bad.
   */
  | { outcome: 'permanent'; reason: string; gone?: true }

export interface Channel {
  readonly kind: ChannelKind
  send(to: Destination, message: NotificationMessage): Promise<SendResult>
}
