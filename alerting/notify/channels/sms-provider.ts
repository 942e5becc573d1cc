import { FirewatchError } from '../../../ingest/index.ts'
import type { Locale } from '../../i18n/locale.ts'

/** One SMS to send; text-based providers use `text`, template-only providers `template`/`params`. */
export interface SmsRequest {
  /** E.164, e.g. +8613800138000. */
  to: string
  /** The contact's name from the site file, when known; providers do not send it. */
  recipient?: string
  text: string
  /** The one-tap acknowledgement link inside `text` (empty for an all-clear). */
  link: string
  template: string
  /** The language of `text` and `params`; template-only providers pick the template in it. */
  locale: Locale
  params: Record<string, string>
  /** Unique per outbox job; sent where the provider takes one (Aliyun OutId). */
  idempotencyKey: string
}

/**
 * A paid SMS API (Twilio, Aliyun). `send` resolves with the provider's message id, or throws an
 * SmsProviderError saying whether trying again can help. Any other error (network, timeout) is
 * treated as retryable by the SMS channel.
 */
export interface SmsProvider {
  readonly name: string
  send(request: SmsRequest): Promise<{ providerId: string }>
}

export class SmsProviderError extends FirewatchError {
  readonly retryable: boolean
  /** Provider-requested pause (Retry-After, flow control), when it said so. */
  readonly retryAfterMs: number | undefined
  /** The provider's own error code (Twilio 21610, Aliyun isv.MOBILE_NUMBER_ILLEGAL). */
  readonly providerCode: string | undefined

  constructor(
    what: { retryable: boolean; message: string; providerCode?: string; retryAfterMs?: number },
    options?: ErrorOptions,
  ) {
    const code = what.retryable ? 'FGW_ERR_CHANNEL_PROVIDER_RETRY' : 'FGW_ERR_CHANNEL_PROVIDER_REJECTED'
    super(code, what.message, options)
    this.name = 'SmsProviderError'
    this.retryable = what.retryable
    this.retryAfterMs = what.retryAfterMs
    this.providerCode = what.providerCode
  }
}
