/**
 * The recording file: JSON lines, a header first, then one line per message in the order received.
 *
 *   {"format":"firewatch-recording","version":1,"startedAt":1763800000000,"source":"mqtt://127.0.0.1:1883"}
 *   {"t":0,"wall":1763800000004,"topic":"fw/tower-a/ta-12-smoke-01/telemetry","qos":1,"retain":false,"payload":"{...}"}
 *   {"t":812,"wall":1763800000816,"topic":"fw/x/y/telemetry","qos":0,"retain":false,"payloadBase64":"/wA="}
 *
 * `t` is milliseconds since the recording started (monotonic, drives replay timing); `wall` is the
 * epoch milliseconds of receipt. A payload that is valid UTF-8 is kept as text so that the file
 * stays readable and editable; any other payload is kept byte for byte in base64.
 */
import { isUtf8 } from 'node:buffer'
import { z } from 'zod'

export const RECORDING_FORMAT = 'firewatch-recording'
export const RECORDING_VERSION = 1

export const RecordingHeader = z.object({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  startedAt: z.number().int().nonnegative(),
  source: z.string(),
})
export type RecordingHeader = z.infer<typeof RecordingHeader>

export const RecordingLine = z
  .object({
    t: z.number().nonnegative(),
    wall: z.number().int().nonnegative(),
    topic: z.string().min(1),
    qos: z.union([z.literal(0), z.literal(1), z.literal(2)]),
    retain: z.boolean(),
    payload: z.string().optional(),
    payloadBase64: z.base64().optional(),
  })
  .refine((line) => (line.payload === undefined) !== (line.payloadBase64 === undefined), {
    message: 'exactly one of payload and payloadBase64 is required',
  })
export type RecordingLine = z.infer<typeof RecordingLine>

/** One message as the recorder and the replayers handle it: the payload is always bytes. */
export interface RecordedMessage {
  t: number
  wall: number
  topic: string
  qos: 0 | 1 | 2
  retain: boolean
  payload: Buffer
}

export interface Recording {
  header: RecordingHeader
  messages: RecordedMessage[]
}

export function encodeHeader(header: RecordingHeader): string {
  return JSON.stringify(header)
}

export function encodeMessage(message: RecordedMessage): string {
  const { t, wall, topic, qos, retain, payload } = message
  const body = isUtf8(payload)
    ? { payload: payload.toString('utf8') }
    : { payloadBase64: payload.toString('base64') }
  return JSON.stringify({ t, wall, topic, qos, retain, ...body })
}

export function decodeLine(line: RecordingLine): RecordedMessage {
  const { t, wall, topic, qos, retain } = line
  const payload =
    line.payload !== undefined
      ? Buffer.from(line.payload, 'utf8')
      : Buffer.from(line.payloadBase64!, 'base64')
  return { t, wall, topic, qos, retain, payload }
}
