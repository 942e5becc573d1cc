import { topicKind } from '../record/topic-kind.ts'

/**
 * Moves the `ts` of a telemetry or event payload by `offsetMs`. A replay shifts every message by
 * the distance between when it was recorded (`wall`) and when it is replayed, so that a gateway
 * (which replaces a `ts` more than INGEST_MAX_SKEW_MS from its own clock) keeps it, and a device's
 * own clock offset (ts - wall) survives the replay. Anything else, including a payload that is not
 * JSON or has no numeric `ts`, is returned untouched: a replay must not repair or break bad input.
 */
export function shiftPayloadTs(topic: string, payload: Buffer, offsetMs: number): Buffer {
  const kind = topicKind(topic)
  if (kind !== 'telemetry' && kind !== 'event') return payload
  let body: unknown
  try {
    body = JSON.parse(payload.toString('utf8'))
  } catch {
    return payload
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return payload
  const ts = (body as { ts?: unknown }).ts
  if (typeof ts !== 'number' || !Number.isFinite(ts)) return payload
  return Buffer.from(JSON.stringify({ ...body, ts: Math.round(ts + offsetMs) }), 'utf8')
}
