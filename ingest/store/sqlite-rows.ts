import type { Reading } from '../reading.ts'

// What the main thread and the SQLite writer thread (sqlite-writer-worker.ts) say to each other.

/**
 * A batch of readings as columns. Posting an array of objects would make the structured clone walk
 * and rebuild every reading; here the numbers travel in two typed arrays whose buffers are
 * transferred, not copied, and the strings once per batch in two small tables.
 */
export interface RowColumns {
  devices: string[]
  metrics: string[]
  /** Per reading, two entries: its index in `devices`, its index in `metrics`. */
  keys: Uint32Array
  /** Per reading, two entries: ts (epoch ms, rounded), value. */
  numbers: Float64Array
}

export type WriterRequest =
  | { type: 'rows'; id: number; rows: RowColumns }
  /** Spooled records (`device<TAB>metric<TAB>ts<TAB>value`), replayed: parsed by the writer thread. */
  | { type: 'records'; id: number; records: string[] }
  /** Deletes readings older than `cutoff` (epoch ms, from the main thread's clock). */
  | { type: 'prune'; id: number; cutoff: number }
  | { type: 'close' }

/** What a thread may post of an error (a cloned Error would lose SQLite's `code`). */
export interface ErrorInfo {
  name: string
  message: string
  code?: string
}

export type WriterReply =
  /** Committed; `refused`: indices of the batch's rows that were not valid rows (not written). */
  { id: number; refused: number[] } | { id: number; error: ErrorInfo } | { id: number; deleted: number }

/** What the writer thread starts with (its `workerData`). */
export interface WriterData {
  file: string
}

/** The readings as columns; the transfer list is the typed arrays' buffers. */
export function packRows(readings: readonly Reading[]): { rows: RowColumns; transfer: ArrayBuffer[] } {
  const n = readings.length
  const keys = new Uint32Array(2 * n)
  const numbers = new Float64Array(2 * n)
  const devices: string[] = []
  const metrics: string[] = []
  const deviceIndex = new Map<string, number>()
  const metricIndex = new Map<string, number>()
  for (let i = 0; i < n; i++) {
    const r = readings[i]!
    let d = deviceIndex.get(r.device)
    if (d === undefined) {
      d = devices.push(r.device) - 1
      deviceIndex.set(r.device, d)
    }
    let m = metricIndex.get(r.metric)
    if (m === undefined) {
      m = metrics.push(r.metric) - 1
      metricIndex.set(r.metric, m)
    }
    keys[2 * i] = d
    keys[2 * i + 1] = m
    numbers[2 * i] = Math.round(r.ts)
    numbers[2 * i + 1] = r.value
  }
  return { rows: { devices, metrics, keys, numbers }, transfer: [keys.buffer, numbers.buffer] }
}

/** `device<TAB>metric<TAB>ts<TAB>value`: ids and metric names never contain a tab. */
export function encodeRecord(r: Reading): string {
  return `${r.device}\t${r.metric}\t${Math.round(r.ts)}\t${r.value}`
}

export interface Row {
  device: string
  metric: string
  ts: number
  value: number
}

/** The row of a spooled record, or null when it is not one (a damaged spool). */
export function parseRecord(record: string): Row | null {
  const [device, metric, ts, value] = record.split('\t')
  if (!device || !metric || !ts || !value) return null
  const row = { device, metric, ts: Number(ts), value: Number(value) }
  return validRow(row.device, row.metric, row.ts, row.value) ? row : null
}

export function validRow(device: string | undefined, metric: string | undefined, ts: number, value: number) {
  return !!device && !!metric && Number.isInteger(ts) && Number.isFinite(value)
}
