import type { StoreName } from './readings-backend.ts'

/** Without an explicit step, a history answers at most about this many points (a chart's worth). */
export const MAX_POINTS = 1000
/** A raw answer (`step=raw`) is cut after this many readings, oldest first, and says so. */
export const MAX_RAW_POINTS = 100_000
/** An explicit step may not split the range into more buckets than this. */
export const MAX_BUCKETS = 100_000

export interface HistoryRequest {
  device: string
  /** A full metric name (`temperature_c:l1`) or a family (`temperature_c`, all its channels); unset: all. */
  metric?: string
  /** Epoch ms, inclusive. */
  from: number
  to: number
  /** 'raw': every reading; a number: the mean per step of so many ms; unset: chosen by answerHistory. */
  step?: number | 'raw'
}

export interface HistoryPoint {
  metric: string
  value: number
  /** Epoch ms; with a step, the start of the step (steps are aligned to multiples of it since the epoch). */
  ts: number
}

export interface HistoryResult {
  source: StoreName
  /** null: raw readings; otherwise the step in ms and each value a mean over it. */
  step: number | null
  /** True when a raw answer was cut at MAX_RAW_POINTS (ask again from the last ts). */
  truncated: boolean
  readings: HistoryPoint[]
}

/** The three questions a store answers (SQL on SQLite, InfluxQL on InfluxDB). */
export interface HistoryStore {
  readonly name: StoreName
  /** Number of readings per metric name in the range. */
  counts(q: HistoryRequest): Promise<Map<string, number>>
  /** Readings in time order, at most `limit` (a store may return more; the caller cuts). */
  raw(q: HistoryRequest, limit: number): Promise<HistoryPoint[]>
  mean(q: HistoryRequest, stepMs: number): Promise<HistoryPoint[]>
}

/** What the HTTP API asks of the readings store. */
export interface ReadingsHistory {
  history(q: HistoryRequest): Promise<HistoryResult>
}

/**
 * Raw readings when there are at most MAX_POINTS of them, else the mean per step, with the step
 * chosen (from a 1-2-5 ladder of round durations) so that all series together stay under MAX_POINTS.
 */
export async function answerHistory(store: HistoryStore, q: HistoryRequest): Promise<HistoryResult> {
  if (q.step === 'raw') return rawAnswer(store, q, MAX_RAW_POINTS)
  if (typeof q.step === 'number') return meanAnswer(store, q, q.step)
  const raw = await rawAnswer(store, q, MAX_POINTS)
  if (!raw.truncated) return raw
  const series = (await store.counts(q)).size
  return meanAnswer(store, q, niceStep(((q.to - q.from + 1) * Math.max(1, series)) / MAX_POINTS))
}

async function rawAnswer(store: HistoryStore, q: HistoryRequest, limit: number): Promise<HistoryResult> {
  const points = sortPoints(await store.raw(q, limit + 1))
  const truncated = points.length > limit
  return { source: store.name, step: null, truncated, readings: truncated ? points.slice(0, limit) : points }
}

async function meanAnswer(store: HistoryStore, q: HistoryRequest, step: number): Promise<HistoryResult> {
  return { source: store.name, step, truncated: false, readings: sortPoints(await store.mean(q, step)) }
}

function sortPoints(points: HistoryPoint[]): HistoryPoint[] {
  return points.sort((a, b) => a.ts - b.ts || (a.metric < b.metric ? -1 : a.metric > b.metric ? 1 : 0))
}

const SECOND = 1000
const MINUTE = 60 * SECOND
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
const LADDER = [
  ...[1, 2, 5, 10, 20, 50, 100, 200, 500],
  ...[1, 2, 5, 10, 15, 30].map((n) => n * SECOND),
  ...[1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
  ...[1, 2, 3, 6, 12].map((n) => n * HOUR),
  ...[1, 2, 7].map((n) => n * DAY),
]

/** The smallest round step of at least `ms`. */
export function niceStep(ms: number): number {
  return LADDER.find((s) => s >= ms) ?? Math.ceil(ms / (7 * DAY)) * 7 * DAY
}

const UNITS: Record<string, number> = { ms: 1, s: SECOND, m: MINUTE, h: HOUR, d: DAY }

/** `raw`, durations (`500ms`, `30s`, `5m`, `1h`, `1d`) or plain milliseconds. */
export function parseStep(text: string): number | 'raw' | null {
  if (text === 'raw') return 'raw'
  const m = /^(\d{1,12})(ms|s|m|h|d)?$/.exec(text)
  if (!m) return null
  const ms = Number(m[1]) * UNITS[m[2] ?? 'ms']!
  return ms >= 1 ? ms : null
}

/** The metric filter shared by both stores: an exact name, or a family and all its channels. */
export function metricFilter(metric: string | undefined): { family: string; channel: string | null } | null {
  if (metric === undefined) return null
  const colon = metric.indexOf(':')
  return colon < 0
    ? { family: metric, channel: null }
    : { family: metric.slice(0, colon), channel: metric.slice(colon + 1) }
}
