import { createHash } from 'node:crypto'
import type { DeviceEvent, DeviceStatus, Reading } from '../../ingest/reading.ts'
import type { DeviceTopicKind } from '../../ingest/topics.ts'

/**
 * One accepted device message as the stream holds it: what the decoder made of it, located in the
 * site. The worker feeds these to the alarm path exactly as the embedded gateway's ingest does.
 */
export type StreamBody =
  | { kind: 'readings'; readings: Reading[] }
  | { kind: 'event'; event: DeviceEvent }
  | { kind: 'status'; status: DeviceStatus }

/** What the alarm path's clock advances to when this message is handled: the gateway's receipt time. */
export function receivedAtOf(body: StreamBody): number {
  if (body.kind === 'readings') return Math.max(...body.readings.map((r) => r.receivedAt))
  if (body.kind === 'event') return body.event.receivedAt
  return body.status.at
}

export function encodeBody(body: StreamBody): Uint8Array {
  return Buffer.from(JSON.stringify(body))
}

export function decodeBody(data: Uint8Array): StreamBody {
  return JSON.parse(Buffer.from(data).toString('utf8')) as StreamBody
}

/**
 * The stream's de-duplicating id of a device message: `device:seq` when the device numbers its
 * messages; else a hash of the device, the topic kind and the payload (which holds the device's
 * `ts` when it sends one). A resend after a refused or unacknowledged publish has the same id, so
 * the stream keeps it once within its duplicate window.
 */
export function messageIdOf(
  device: string,
  kind: DeviceTopicKind,
  payload: Buffer,
  seq: number | null,
): string {
  if (seq !== null && kind === 'telemetry') return `${device}:${seq}`
  const hash = createHash('sha256').update(device).update('\0').update(kind).update('\0').update(payload)
  return `${device}#${hash.digest('hex').slice(0, 32)}`
}
