import type { SendResult } from '../channel.ts'

/**
 * What an HTTP status of a provider means for the outbox: 2xx delivered; 408, 425, 429 and 5xx
 * are worth another try (the service is busy or down); any other 4xx will fail the same way again.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 425 || status === 429 || status >= 500
}

/**
 * Milliseconds to wait from a Retry-After header: delta-seconds or an HTTP-date (RFC 9110 §10.2.3).
 * `nowMs` comes from the injected clock; an unparsable or past value gives undefined.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (value === null || value === undefined) return undefined
  const text = value.trim()
  if (/^\d+$/.test(text)) return Number(text) * 1000
  const at = Date.parse(text)
  if (Number.isNaN(at) || at <= nowMs) return undefined
  return at - nowMs
}

/** A retry result, carrying Retry-After only when the provider gave one. */
export function retryResult(reason: string, retryAfterMs: number | undefined): SendResult {
  return retryAfterMs === undefined
    ? { outcome: 'retry', reason }
    : { outcome: 'retry', reason, retryAfterMs }
}

/** One line of a provider's error body for a reason text, never the whole page. */
export function bodySnippet(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim()
  return line.length > 200 ? `${line.slice(0, 200)}...` : line
}

/** fetch aborted by its timeout signal, or a socket that failed: both are worth another try. */
export function transportFailure(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return 'timed out'
  }
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : ''
  return `${error instanceof Error ? error.message : String(error)}${cause}`
}
