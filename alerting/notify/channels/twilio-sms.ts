import type { Clock } from '../../deps.ts'
import { bodySnippet, isRetryableStatus, parseRetryAfter } from './http-outcome.ts'
import { type SmsProvider, SmsProviderError, type SmsRequest } from './sms-provider.ts'

export interface TwilioConfig {
  accountSid: string
  authToken: string
  /** A phone number (E.164) or a Messaging Service SID (MG...). */
  from: string
  /** https://api.twilio.com in production; tests point it at a local peer. */
  baseUrl: string
  /** Where Twilio posts delivery status updates (signed, see verifyTwilioSignature). */
  statusCallbackUrl?: string | undefined
  timeoutMs?: number
}

export interface TwilioDeps {
  clock: Clock
  fetch?: typeof fetch
}

/** Twilio error codes that mean this number will never get the message (twilio.com/docs/api/errors). */
export const PERMANENT_CODES: Record<number, string> = {
  21211: 'invalid phone number',
  21610: 'recipient unsubscribed (replied STOP)',
  21614: 'number cannot receive SMS',
  21408: 'region not enabled for this account',
}
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Twilio Programmable Messaging: POST /2010-04-01/Accounts/{Sid}/Messages.json, form-encoded, HTTP
 * Basic auth. Twilio has no idempotency key for this call, so a timeout after Twilio accepted the
 * message can lead to a second SMS on retry; for fire alarms a duplicate is the lesser harm.
 */
export function createTwilioProvider(config: TwilioConfig, deps: TwilioDeps): SmsProvider {
  const doFetch = deps.fetch ?? fetch
  const base = config.baseUrl.replace(/\/+$/, '')
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`
  const auth = `Basic ${Buffer.from(`${config.accountSid}:${config.authToken}`).toString('base64')}`
  return {
    name: 'twilio',
    async send(request) {
      const response = await doFetch(url, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: formFor(config, request),
        signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      })
      const body = await response.text()
      if (response.status === 201 || response.status === 200) return { providerId: sidOf(body) }
      throw twilioError(
        response.status,
        body,
        parseRetryAfter(response.headers.get('retry-after'), deps.clock.now()),
      )
    },
  }
}

function formFor(config: TwilioConfig, request: SmsRequest): URLSearchParams {
  const form = new URLSearchParams({ To: request.to, Body: request.text })
  form.set(config.from.startsWith('MG') ? 'MessagingServiceSid' : 'From', config.from)
  if (config.statusCallbackUrl) form.set('StatusCallback', config.statusCallbackUrl)
  return form
}

function sidOf(body: string): string {
  const parsed = parseJson(body)
  const sid = parsed?.sid
  if (typeof sid !== 'string' || sid === '') {
    // Accepted but unreadable: do not send again, the SMS is probably on its way.
    return 'twilio:unknown-sid'
  }
  return sid
}

function twilioError(status: number, body: string, retryAfterMs: number | undefined): SmsProviderError {
  const parsed = parseJson(body)
  const code = typeof parsed?.code === 'number' ? parsed.code : undefined
  const said = typeof parsed?.message === 'string' ? parsed.message : bodySnippet(body)
  const known = code === undefined ? undefined : PERMANENT_CODES[code]
  const message = `twilio ${status}${code === undefined ? '' : ` code ${code}`}: ${known ?? said}`
  const providerCode = code === undefined ? undefined : String(code)
  if (known === undefined && isRetryableStatus(status)) {
    return new SmsProviderError({ retryable: true, message, providerCode, retryAfterMs })
  }
  return new SmsProviderError({ retryable: false, message, providerCode })
}

function parseJson(body: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(body)
    return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : null
  } catch {
    return null
  }
}
