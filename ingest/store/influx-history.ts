import { FirewatchError } from '../error-codes.ts'
import { METRIC_FAMILIES } from '../metrics-catalog.ts'
import { type HistoryPoint, type HistoryRequest, type HistoryStore, metricFilter } from './history-query.ts'
import { ensureDbrp } from './influx-dbrp.ts'
import { errorText, influxRequest } from './influx-http.ts'
import type { InfluxTarget } from './storage-config.ts'

interface Series {
  name: string
  tags?: { channel?: string }
  columns: string[]
  values: [number, number | null][]
}

interface QueryBody {
  results?: { error?: string; series?: Series[] }[]
  error?: string
}

/**
 * History from InfluxDB through InfluxQL on /query, which 1.x, 2.x (with a DBRP mapping, created
 * here when missing) and 3.x all answer. One measurement per metric family, the channel a tag.
 */
export class InfluxHistory implements HistoryStore {
  readonly name = 'influxdb' as const
  private dbrp: Promise<unknown> | null = null

  constructor(private readonly target: InfluxTarget) {}

  /** Creates the DBRP mapping if needed; a failure is retried by the next call. */
  prepare(): Promise<unknown> {
    this.dbrp ??= ensureDbrp(this.target).catch((err: unknown) => {
      this.dbrp = null
      throw err
    })
    return this.dbrp
  }

  async counts(q: HistoryRequest): Promise<Map<string, number>> {
    const series = await this.select(
      `SELECT count("value") FROM ${from(q)} WHERE ${where(q)} GROUP BY "channel"`,
    )
    return new Map(series.map((s) => [metricOf(s), Number(s.values[0]?.[1] ?? 0)]))
  }

  async raw(q: HistoryRequest, limit: number): Promise<HistoryPoint[]> {
    // LIMIT applies per series; the caller merges the series and cuts.
    return points(
      await this.select(`SELECT "value" FROM ${from(q)} WHERE ${where(q)} GROUP BY "channel" LIMIT ${limit}`),
    )
  }

  async mean(q: HistoryRequest, stepMs: number): Promise<HistoryPoint[]> {
    const group = `GROUP BY time(${Math.round(stepMs)}ms), "channel" fill(none)`
    return points(await this.select(`SELECT mean("value") FROM ${from(q)} WHERE ${where(q)} ${group}`))
  }

  private async select(statement: string): Promise<Series[]> {
    await this.prepare()
    const rp = this.target.rp ? `&rp=${encodeURIComponent(this.target.rp)}` : ''
    const path = `/query?db=${encodeURIComponent(this.target.db)}${rp}&epoch=ms&q=${encodeURIComponent(statement)}`
    const { status, body } = await influxRequest(this.target, path)
    const result = (body as QueryBody).results?.[0]
    const error = status === 200 ? result?.error : errorText(body)
    if (error !== undefined || !result) {
      throw new FirewatchError(
        'FGW_ERR_STORAGE_QUERY',
        `InfluxDB query failed: ${status} ${error ?? 'no result'}`,
      )
    }
    return result.series ?? []
  }
}

function from(q: HistoryRequest): string {
  const filter = metricFilter(q.metric)
  const families = filter === null ? METRIC_FAMILIES : [filter.family]
  return families.map(identifier).join(',')
}

function where(q: HistoryRequest): string {
  const filter = metricFilter(q.metric)
  const channel = filter?.channel != null ? ` AND "channel" = ${literal(filter.channel)}` : ''
  return `"device" = ${literal(q.device)} AND time >= ${q.from}ms AND time <= ${q.to}ms${channel}`
}

function points(series: Series[]): HistoryPoint[] {
  const out: HistoryPoint[] = []
  for (const s of series) {
    const metric = metricOf(s)
    for (const [ts, value] of s.values) if (value !== null) out.push({ metric, ts, value })
  }
  return out
}

function metricOf(s: Series): string {
  return s.tags?.channel ? `${s.name}:${s.tags.channel}` : s.name
}

function identifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`
}

function literal(text: string): string {
  return `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`
}
