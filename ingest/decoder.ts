import type { ErrorCode } from './error-codes.ts'
import { jsonNestsDeeperThan, MAX_JSON_DEPTH } from './json-depth.ts'
import { parseMetricName } from './metrics-catalog.ts'
import { EventPayload, fastTelemetry, StatusPayload, TelemetryPayload } from './payload-schemas.ts'
import { type DeviceEvent, type DeviceStatus, deviceReading, type Reading } from './reading.ts'
import { SeqWindow } from './seq-window.ts'
import type { Device } from './site/site-schema.ts'
import { describeDeviceValue } from './value-text.ts'

export interface DecoderOptions {
  maxPayloadBytes: number
  /** A device timestamp further than this from receipt is replaced by the receipt time. */
  maxSkewMs: number
}

export interface Problem {
  code: ErrorCode
  detail: string
}

export interface Decoded<T> {
  value: T | null
  problems: Problem[]
}

const NONE: Problem[] = []

/** A status payload is one word (`online` / `offline`), bare or as a JSON string. */
export const MAX_STATUS_BYTES = 64

/** Turns raw device payloads into located, validated domain values (docs/architecture.md). */
export class Decoder {
  private readonly seqs = new SeqWindow()

  constructor(private readonly options: DecoderOptions) {}

  /** Readings of one telemetry message; valid metrics are kept even when others are rejected. */
  telemetry(device: Device, payload: Buffer, receivedAt: number): Decoded<Reading[]> {
    const json = this.parseJson(payload)
    if (json.problem) return { value: null, problems: [json.problem] }
    const envelope = fastTelemetry(json.value)
    if (envelope === null)
      return { value: null, problems: [schemaProblem(TelemetryPayload.safeParse(json.value))] }
    const { ts, seq, metrics } = envelope
    if (seq !== undefined && this.seqs.isDuplicate(device.id, seq)) {
      return { value: [], problems: [{ code: 'FGW_ERR_INGEST_DUPLICATE', detail: `seq ${seq}` }] }
    }
    let problems = NONE
    const at = this.plausibleTime(ts, receivedAt)
    if (at !== (ts ?? receivedAt)) problems = [skewProblem(ts!, receivedAt)]
    const readings: Reading[] = []
    for (const metric in metrics) {
      const value = metrics[metric]
      const name = parseMetricName(metric)
      if (name === null) {
        if (problems === NONE) problems = []
        problems.push({ code: 'FGW_ERR_INGEST_UNKNOWN_METRIC', detail: metric })
      } else if (typeof value !== 'number' || !Number.isFinite(value)) {
        if (problems === NONE) problems = []
        problems.push({
          code: 'FGW_ERR_INGEST_BAD_VALUE',
          detail: `${metric}: ${describeDeviceValue(value)}`,
        })
      } else {
        readings.push(deviceReading(device, metric, name, value, at, receivedAt, seq ?? null))
      }
    }
    return { value: readings, problems }
  }

  event(device: Device, payload: Buffer, receivedAt: number): Decoded<DeviceEvent> {
    const json = this.parseJson(payload)
    if (json.problem) return { value: null, problems: [json.problem] }
    const parsed = EventPayload.safeParse(json.value)
    if (!parsed.success) return { value: null, problems: [schemaProblem(parsed)] }
    const { ts, event, detail } = parsed.data
    const at = this.plausibleTime(ts, receivedAt)
    const problems = at !== (ts ?? receivedAt) ? [skewProblem(ts!, receivedAt)] : NONE
    const value: DeviceEvent = {
      device: device.id,
      building: device.building,
      floor: device.floor,
      zone: device.zone,
      event,
      detail: detail ?? null,
      ts: at,
      receivedAt,
    }
    return { value, problems }
  }

  status(device: Device, payload: Buffer, receivedAt: number): Decoded<DeviceStatus> {
    if (payload.length > MAX_STATUS_BYTES) {
      return { value: null, problems: [tooLarge(payload.length, MAX_STATUS_BYTES)] }
    }
    const parsed = StatusPayload.safeParse(payload.toString('utf8'))
    if (!parsed.success) return { value: null, problems: [schemaProblem(parsed)] }
    const value: DeviceStatus = {
      device: device.id,
      building: device.building,
      status: parsed.data,
      source: 'status-topic',
      at: receivedAt,
    }
    return { value, problems: NONE }
  }

  /** The telemetry message with `seq` was refused after decoding: the device's resend must not be a duplicate. */
  forgetSeq(deviceId: string, seq: number): void {
    this.seqs.forget(deviceId, seq)
  }

  /** A device started a new clean session: its sequence counter may have restarted. */
  sessionStarted(deviceId: string): void {
    this.seqs.reset(deviceId)
  }

  private parseJson(payload: Buffer): { value: unknown; problem: Problem | null } {
    if (payload.length > this.options.maxPayloadBytes) {
      return { value: null, problem: tooLarge(payload.length, this.options.maxPayloadBytes) }
    }
    if (jsonNestsDeeperThan(payload, MAX_JSON_DEPTH)) {
      return {
        value: null,
        problem: {
          code: 'FGW_ERR_INGEST_TOO_DEEP',
          detail: `JSON nested deeper than ${MAX_JSON_DEPTH} levels`,
        },
      }
    }
    try {
      return { value: JSON.parse(payload.toString('utf8')), problem: null }
    } catch (err) {
      return {
        value: null,
        problem: { code: 'FGW_ERR_INGEST_NOT_JSON', detail: bounded((err as Error).message) },
      }
    }
  }

  private plausibleTime(ts: number | undefined, receivedAt: number): number {
    if (ts === undefined) return receivedAt
    return Math.abs(ts - receivedAt) > this.options.maxSkewMs ? receivedAt : ts
  }
}

function schemaProblem(result: {
  success: boolean
  error?: { issues: readonly { path: PropertyKey[]; message: string }[] }
}): Problem {
  const detail = (result.error?.issues ?? [{ path: [], message: 'invalid payload' }])
    .slice(0, 5)
    .map((i) => `${i.path.map((key) => bounded(String(key), 40)).join('.') || '(root)'}: ${i.message}`)
    .join('; ')
  return { code: 'FGW_ERR_INGEST_SCHEMA', detail: bounded(detail) }
}

/** Details may quote the device's own text (keys, parser messages): never more than a line of it. */
function bounded(text: string, max = 300): string {
  return text.length > max ? `${text.slice(0, max)}…` : text
}

function skewProblem(ts: number, receivedAt: number): Problem {
  return {
    code: 'FGW_ERR_INGEST_SKEW',
    detail: `ts is ${ts - receivedAt} ms from gateway time; receipt time used`,
  }
}

function tooLarge(size: number, max: number): Problem {
  return { code: 'FGW_ERR_INGEST_TOO_LARGE', detail: `${size} bytes, at most ${max}` }
}
