import { FirewatchError } from '../error-codes.ts'
import type { InfluxTarget } from './storage-config.ts'

export interface InfluxResponse {
  status: number
  body: unknown
}

/** One HTTP request to InfluxDB's non-write APIs (/query, /api/v2/dbrps, /api/v2/buckets). */
export async function influxRequest(
  target: InfluxTarget,
  path: string,
  init: { method?: 'GET' | 'POST'; json?: unknown } = {},
): Promise<InfluxResponse> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (target.authorization) headers.authorization = target.authorization
  if (init.json !== undefined) headers['content-type'] = 'application/json'
  let res: Response
  try {
    res = await fetch(target.url + path, {
      method: init.method ?? 'GET',
      headers,
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
      signal: AbortSignal.timeout(target.timeoutMs),
    })
  } catch (err) {
    throw new FirewatchError('FGW_ERR_STORAGE_QUERY', `InfluxDB at ${target.url} did not answer`, {
      cause: err,
    })
  }
  const text = await res.text()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {
    // Not JSON (a proxy's error page): kept as text for the error message.
  }
  return { status: res.status, body }
}

/** The `error` of an InfluxDB error body, or the body itself, shortened for a log line. */
export function errorText(body: unknown): string {
  const error =
    (body as { error?: unknown; message?: unknown } | null)?.error ?? (body as { message?: unknown })?.message
  return String(error ?? JSON.stringify(body)).slice(0, 300)
}
