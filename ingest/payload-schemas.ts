import { z } from 'zod'
import { DEVICE_EVENTS } from './reading.ts'

export const MAX_METRICS_PER_MESSAGE = 64

/** fw/{b}/{d}/telemetry. Metric values are checked one by one so that good ones survive bad ones. */
export const TelemetryPayload = z.object({
  ts: z.number().int().nonnegative().optional(),
  seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
  metrics: z
    .record(z.string().max(64), z.unknown())
    .refine(
      (m) => Object.keys(m).length <= MAX_METRICS_PER_MESSAGE,
      `at most ${MAX_METRICS_PER_MESSAGE} metrics`,
    ),
})
export type TelemetryPayload = z.infer<typeof TelemetryPayload>

/** fw/{b}/{d}/event */
export const EventPayload = z.object({
  ts: z.number().int().nonnegative().optional(),
  event: z.enum(DEVICE_EVENTS),
  detail: z.string().max(500).optional(),
})
export type EventPayload = z.infer<typeof EventPayload>

/** fw/{b}/{d}/status: the bare word, or the word as a JSON string. */
export const StatusPayload = z
  .string()
  .transform((s) => s.trim().replace(/^"(.*)"$/, '$1'))
  .pipe(z.enum(['online', 'offline']))

/**
 * The hot path's check of a telemetry payload: accepts exactly what TelemetryPayload accepts
 * (tests/ingest/payload-fast-path.test.ts holds the two together over generated inputs), at a
 * fraction of zod's cost per message. When it says no, the decoder asks zod for the issues.
 */
export function fastTelemetry(json: unknown): TelemetryPayload | null {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return null
  const { ts, seq, metrics } = json as Record<string, unknown>
  if (ts !== undefined && !(Number.isSafeInteger(ts) && (ts as number) >= 0)) return null
  if (seq !== undefined && !(Number.isSafeInteger(seq) && (seq as number) >= 0)) return null
  if (typeof metrics !== 'object' || metrics === null || Array.isArray(metrics)) return null
  let count = 0
  for (const name in metrics) {
    if (name.length > 64 || ++count > MAX_METRICS_PER_MESSAGE) return null
  }
  return {
    ts: ts as number | undefined,
    seq: seq as number | undefined,
    metrics: metrics as Record<string, unknown>,
  }
}
