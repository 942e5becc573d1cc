import { randomUUID } from 'node:crypto'
import { isoTime } from '../../clock-iso.ts'
import type { Clock } from '../../deps.ts'
import { acs3Authorization, canonicalQuery, sha256Hex } from './aliyun-signature.ts'
import { bodySnippet, isRetryableStatus, parseRetryAfter } from './http-outcome.ts'
import { type SmsProvider, SmsProviderError, type SmsRequest } from './sms-provider.ts'

export interface AliyunConfig {
  accessKeyId: string
  accessKeySecret: string
  /** The approved SMS signature (签名), shown as 【SignName】. */
  signName: string
  /**
   * The approved template(s), filled from the message params: one code for every message
   * (`SMS_123456789`), or codes by the message's template id with an optional default
   * (`SMS_123456789,FW_DIGEST=SMS_987654321`), or by template id and language
   * (`FW_ALERT.zh-CN=SMS_1,FW_ALERT.en=SMS_2`): each language needs its own approved template.
   */
  templateCode: string
  /** https://dysmsapi.aliyuncs.com in production; tests point it at a local peer. */
  endpoint: string
  timeoutMs?: number
}

export interface AliyunDeps {
  clock: Clock
  fetch?: typeof fetch
}

const ACTION = 'SendSms'
const VERSION = '2017-05-25'
const DEFAULT_TIMEOUT_MS = 10_000

/**
 * Business codes worth another try, with the pause to ask for. Flow control is per number
 * (by default 1 a minute, 5 an hour, 10 a day for one signature); the account running out of
 * balance or being suspended is fixed by topping up, not by giving up on the contact.
 */
const RETRY_CODES: Record<string, number | undefined> = {
  'isv.BUSINESS_LIMIT_CONTROL': 60_000,
  'isv.DAY_LIMIT_CONTROL': 3_600_000,
  'isv.AMOUNT_NOT_ENOUGH': undefined,
  'isv.OUT_OF_SERVICE': undefined,
  ServiceUnavailable: undefined,
  InternalError: undefined,
}

function isRetryableCode(code: string): boolean {
  // isp.* are the platform's own failures; Throttling.* its API rate limits.
  return code in RETRY_CODES || code.startsWith('isp.') || code.startsWith('Throttling')
}

/**
 * Aliyun SMS SendSms (API version 2017-05-25) with signature V3. Parameters travel in the query
 * string of a POST with an empty body, as the RPC style allows. Business errors come back as
 * HTTP 200 with a Code other than "OK".
 */
export function createAliyunProvider(config: AliyunConfig, deps: AliyunDeps): SmsProvider {
  const doFetch = deps.fetch ?? fetch
  const endpoint = new URL(config.endpoint)
  return {
    name: 'aliyun',
    async send(request) {
      const query = queryFor(config, request)
      const headers = signedHeaders(config, endpoint, query, deps.clock.now())
      const url = new URL(endpoint)
      url.pathname = '/'
      // The query on the wire is the canonical one, so what is signed is exactly what is sent.
      url.search = canonicalQuery(query)
      const response = await doFetch(url, {
        method: 'POST',
        headers,
        signal: AbortSignal.timeout(config.timeoutMs ?? DEFAULT_TIMEOUT_MS),
      })
      const body = await response.text()
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), deps.clock.now())
      return outcomeOf(response.status, body, retryAfterMs)
    },
  }
}

/**
 * The Aliyun template code for a message template id in a language, from the ALIYUN_TEMPLATE_CODE
 * setting: `TEMPLATE.locale=CODE` first, then `TEMPLATE=CODE`, then the unnamed default.
 */
export function aliyunTemplateCode(setting: string, template: string, locale?: string): string | undefined {
  const named = new Map<string, string>()
  let fallback: string | undefined
  for (const entry of setting.split(',')) {
    const at = entry.indexOf('=')
    if (at < 0) fallback = entry.trim()
    else named.set(entry.slice(0, at).trim(), entry.slice(at + 1).trim())
  }
  return (
    (locale === undefined ? undefined : named.get(`${template}.${locale}`)) ?? named.get(template) ?? fallback
  )
}

/** A template id and a language the ALIYUN_TEMPLATE_CODE setting has no code for. */
export interface MissingTemplate {
  template: string
  locale: string
}

/**
 * The template ids and languages the setting leaves without a code. Aliyun only sends approved
 * templates, so a message without one would fail for good at send time (an all-clear that never
 * goes out); the gateway refuses to start instead.
 */
export function missingAliyunTemplates(
  setting: string,
  templates: readonly string[],
  locales: readonly string[],
): MissingTemplate[] {
  return templates.flatMap((template) =>
    locales
      .filter((locale) => aliyunTemplateCode(setting, template, locale) === undefined)
      .map((locale) => ({ template, locale })),
  )
}

function queryFor(config: AliyunConfig, request: SmsRequest): Record<string, string> {
  const templateCode = aliyunTemplateCode(config.templateCode, request.template, request.locale)
  if (templateCode === undefined) {
    const message = `aliyun: no template code configured for ${request.template} (${request.locale})`
    throw new SmsProviderError({ retryable: false, message })
  }
  return {
    // Aliyun takes international numbers as country code + number, without the leading "+".
    PhoneNumbers: request.to.replace(/^\+/, ''),
    SignName: config.signName,
    TemplateCode: templateCode,
    TemplateParam: JSON.stringify(request.params),
    OutId: request.idempotencyKey,
  }
}

function signedHeaders(config: AliyunConfig, endpoint: URL, query: Record<string, string>, nowMs: number) {
  const emptyBody = sha256Hex('')
  const headers: Record<string, string> = {
    host: endpoint.host,
    'x-acs-action': ACTION,
    'x-acs-version': VERSION,
    // ISO 8601 UTC without milliseconds, e.g. 2026-11-22T10:00:00Z.
    'x-acs-date': isoTime(nowMs).replace(/\.\d{3}Z$/, 'Z'),
    'x-acs-signature-nonce': randomUUID().replace(/-/g, ''),
    'x-acs-content-sha256': emptyBody,
  }
  const request = { method: 'POST', path: '/', query, headers, payloadHash: emptyBody }
  const authorization = acs3Authorization(request, config.accessKeyId, config.accessKeySecret)
  // fetch sets Host itself, from the same URL, so it is signed but not passed.
  const { host: _host, ...sent } = headers
  return { ...sent, authorization, accept: 'application/json' }
}

function outcomeOf(status: number, body: string, retryAfterMs: number | undefined): { providerId: string } {
  const parsed = parseBody(body)
  const code = parsed.Code ?? ''
  if (status === 200 && code === 'OK') return { providerId: parsed.BizId || parsed.RequestId || 'aliyun:ok' }
  const message = `aliyun ${status} ${code || 'no code'}: ${parsed.Message ?? bodySnippet(body)}`
  const providerCode = code || undefined
  if (code ? isRetryableCode(code) : isRetryableStatus(status)) {
    const pause = retryAfterMs ?? RETRY_CODES[code]
    throw new SmsProviderError({ retryable: true, message, providerCode, retryAfterMs: pause })
  }
  throw new SmsProviderError({ retryable: false, message, providerCode })
}

interface AliyunAnswer {
  Code?: string
  Message?: string
  BizId?: string
  RequestId?: string
}

function parseBody(body: string): AliyunAnswer {
  try {
    const value: unknown = JSON.parse(body)
    if (typeof value !== 'object' || value === null) return {}
    const v = value as Record<string, unknown>
    const text = (key: string) => (typeof v[key] === 'string' ? (v[key] as string) : undefined)
    return {
      Code: text('Code'),
      Message: text('Message'),
      BizId: text('BizId'),
      RequestId: text('RequestId'),
    }
  } catch {
    return {}
  }
}
