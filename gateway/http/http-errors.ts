import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { HTTP_ERROR_CODES, type HttpErrorCode } from '../../alerting/i18n/catalogue.ts'
import { localeFromAcceptLanguage } from '../../alerting/i18n/locale.ts'
import { messagesFor } from '../../alerting/i18n/messages.ts'
import { type ErrorCode, ErrorCodes, FirewatchError } from '../../ingest/error-codes.ts'

/** A coded error that maps to one HTTP status; thrown by handlers, answered by `handleError`. */
export class HttpError extends FirewatchError {
  /** Sent as `Retry-After` (whole seconds) with a 429. */
  retryAfterSec: number | undefined = undefined

  constructor(
    code: ErrorCode,
    readonly statusCode: number,
    message: string = ErrorCodes[code],
    /** zod issues of a failed validation, sent to the client as they are. */
    readonly issues?: readonly unknown[],
  ) {
    super(code, message)
    this.name = 'HttpError'
  }
}

export function notFound(): HttpError {
  return new HttpError('FGW_ERR_HTTP_NOT_FOUND', 404)
}

export function unauthorized(): HttpError {
  return new HttpError('FGW_ERR_HTTP_UNAUTHORIZED', 401)
}

/** 429 with `Retry-After`: whole seconds, at least 1, rounded up so that a retry is never early. */
export function retryLater(code: ErrorCode, waitMs: number): HttpError {
  const error = new HttpError(code, 429)
  error.retryAfterSec = Math.max(1, Math.ceil(waitMs / 1000))
  return error
}

interface ErrorBody {
  error: ErrorCode
  message: string
  requestId: string
  issues?: readonly unknown[]
}

/**
 * The one boundary where request errors become responses (docs/architecture.md, "Errors stop at
 * boundaries"). Client errors are the
 * client's business and are not logged as errors; anything else is logged once, here, and answered
 * with a 500 that carries the request id so that the log line can be found.
 */
export function handleError(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const { status, body } = describe(error, request.id)
  if (status >= 500) request.log.error({ err: error }, 'request failed')
  if (status === 401) reply.header('www-authenticate', 'Bearer')
  if (error instanceof HttpError && error.retryAfterSec !== undefined) {
    reply.header('retry-after', String(error.retryAfterSec))
  }
  void reply.code(status).send(inReadersLanguage(body, request))
}

export function handleNotFound(request: FastifyRequest, reply: FastifyReply): void {
  const m = messagesFor(localeFromAcceptLanguage(request.headers['accept-language']) ?? 'en')
  const body: ErrorBody = {
    error: 'FGW_ERR_HTTP_NOT_FOUND',
    message: m.noRoute({ method: request.method, path: request.url.split('?')[0] ?? '' }),
    requestId: request.id,
  }
  void reply.code(404).send(body)
}

const TRANSLATED: ReadonlySet<string> = new Set(HTTP_ERROR_CODES)

/**
 * `message` is for people: Chinese when the client's Accept-Language asks for it. English stays
 * the default (and keeps its specific texts) because API clients rarely send the header; the
 * `error` code and the zod `issues` never change with the language, so programs can rely on them.
 */
function inReadersLanguage(body: ErrorBody, request: FastifyRequest): ErrorBody {
  const locale = localeFromAcceptLanguage(request.headers['accept-language'])
  if (locale === null || locale === 'en' || !TRANSLATED.has(body.error)) return body
  const m = messagesFor(locale)
  return { ...body, message: m.httpErrors[body.error as HttpErrorCode] }
}

function describe(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (error instanceof HttpError) {
    const body: ErrorBody = { error: error.code, message: error.message, requestId }
    if (error.issues) body.issues = error.issues
    return { status: error.statusCode, body }
  }
  const fe = error as Partial<FastifyError>
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return coded(413, 'FGW_ERR_HTTP_TOO_LARGE', requestId)
  if (fe.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return coded(415, 'FGW_ERR_HTTP_UNSUPPORTED_MEDIA_TYPE', requestId)
  }
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    // Fastify's own request errors (malformed JSON, bad content-length): same shape as a zod failure.
    const message = fe.message ?? ErrorCodes.FGW_ERR_HTTP_VALIDATION
    const issues = [{ code: 'custom', path: [], message }]
    return { status: fe.statusCode, body: { error: 'FGW_ERR_HTTP_VALIDATION', message, requestId, issues } }
  }
  return coded(500, 'FGW_ERR_HTTP_INTERNAL', requestId)
}

function coded(status: number, code: ErrorCode, requestId: string): { status: number; body: ErrorBody } {
  return { status, body: { error: code, message: ErrorCodes[code], requestId } }
}
