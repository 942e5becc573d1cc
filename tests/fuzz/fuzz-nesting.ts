import { MAX_STATUS_BYTES } from '../../ingest/decoder.ts'
import { METRIC_FAMILIES } from '../../ingest/metrics-catalog.ts'
import { DEVICE_EVENTS } from '../../ingest/reading.ts'
import type { FuzzInputs } from './fuzz-inputs.ts'

/** What the gateway must answer for one nested payload, decided from its bytes alone. */
export type NestedVerdict = 'FGW_ERR_INGEST_TOO_LARGE' | 'FGW_ERR_INGEST_TOO_DEEP' | 'other'

export interface NestedInput {
  kind: 'telemetry' | 'event' | 'status'
  payload: Buffer
  verdict: NestedVerdict
}

/** Every field a device message has, and some it should not, as a place to hide a deep value. */
const TELEMETRY_PLACES = ['metric', 'metric', 'metrics', 'ts', 'seq', 'root', 'extra'] as const
const EVENT_PLACES = ['detail', 'detail', 'event', 'ts', 'root', 'extra'] as const

/**
 * Payloads with a deep value (arrays, objects or both, 1 to 6,000 levels, log-uniform so most are
 * shallow and some are far past any stack) in one field of a telemetry, event or status message.
 */
export function nestedInput(gen: FuzzInputs, maxPayloadBytes: number, maxDepth: number): NestedInput {
  const kind = gen.pick(['telemetry', 'telemetry', 'event', 'status'] as const)
  const depth = Math.max(1, Math.floor(Math.exp(gen.int(8_700) / 1_000)))
  const deep = deepValue(gen, depth)
  const placed = kind === 'status' ? { text: deep, around: 0 } : place(gen, kind, deep)
  const payload = Buffer.from(placed.text)
  const total = depth + placed.around
  return { kind, payload, verdict: verdictOf(kind, payload.length, total, maxPayloadBytes, maxDepth) }
}

/** The message with the deep value in one place, and how many levels the message adds around it. */
function place(gen: FuzzInputs, kind: 'telemetry' | 'event', deep: string) {
  if (kind === 'telemetry') {
    const metric = `"${gen.pick(METRIC_FAMILIES)}"`
    switch (gen.pick(TELEMETRY_PLACES)) {
      case 'metric':
        return { text: `{"metrics":{"battery_pct":50,${metric}:${deep}}}`, around: 2 }
      case 'metrics':
        return { text: `{"metrics":${deep}}`, around: 1 }
      case 'ts':
        return { text: `{"ts":${deep},"metrics":{"battery_pct":50}}`, around: 1 }
      case 'seq':
        return { text: `{"seq":${deep},"metrics":{"battery_pct":50}}`, around: 1 }
      case 'root':
        return { text: deep, around: 0 }
      default:
        return { text: `{"metrics":{"battery_pct":50},"x":${deep}}`, around: 1 }
    }
  }
  const event = `"${gen.pick(DEVICE_EVENTS.filter((e) => e !== 'fire_alarm'))}"`
  switch (gen.pick(EVENT_PLACES)) {
    case 'detail':
      return { text: `{"event":${event},"detail":${deep}}`, around: 1 }
    case 'event':
      return { text: `{"event":${deep}}`, around: 1 }
    case 'ts':
      return { text: `{"event":${event},"ts":${deep}}`, around: 1 }
    case 'root':
      return { text: deep, around: 0 }
    default:
      return { text: `{"event":${event},"x":${deep}}`, around: 1 }
  }
}

/** `depth` levels of arrays and objects in a random mix, with a number at the bottom. */
function deepValue(gen: FuzzInputs, depth: number): string {
  const style = gen.int(3)
  let open = ''
  let close = ''
  for (let i = 0; i < depth; i++) {
    const array = style === 0 || (style === 2 && gen.int(2) === 0)
    open += array ? '[' : '{"k":'
    close += array ? ']' : '}'
  }
  return `${open}1${[...close].reverse().join('')}`
}

/** Status payloads are words, not JSON: the nesting rule does not apply to them. */
function verdictOf(
  kind: NestedInput['kind'],
  bytes: number,
  depth: number,
  maxPayloadBytes: number,
  maxDepth: number,
): NestedVerdict {
  if (kind === 'status') return bytes > MAX_STATUS_BYTES ? 'FGW_ERR_INGEST_TOO_LARGE' : 'other'
  if (bytes > maxPayloadBytes) return 'FGW_ERR_INGEST_TOO_LARGE'
  return depth > maxDepth ? 'FGW_ERR_INGEST_TOO_DEEP' : 'other'
}
