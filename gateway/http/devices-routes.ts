import type { FastifyInstance, FastifyRequest } from 'fastify'
import { FirewatchError } from '../../ingest/error-codes.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { type HistoryRequest, MAX_BUCKETS, type ReadingsHistory } from '../../ingest/store/history-query.ts'
import type { DeviceView, LiveState } from '../live/live-state.ts'
import { principalOf } from './auth.ts'
import { HttpError, notFound } from './http-errors.ts'
import { ReadingsQuery, validated, withoutEmpty } from './request-schemas.ts'

interface DevicesOptions {
  site: SiteModel
  live: LiveState
  readings: ReadingsHistory
  clock: { now(): number }
}

type IdRequest = { Params: { id: string } }

const DEFAULT_RANGE_MS = 24 * 3_600_000

export async function devicesRoutes(
  app: FastifyInstance,
  { site, live, readings, clock }: DevicesOptions,
): Promise<void> {
  const visibleDevice = (request: FastifyRequest<IdRequest>): DeviceView => {
    const device = site.device(request.params.id)
    const view =
      device && canSeeBuilding(principalOf(request), device.building) ? live.device(device.id) : undefined
    if (!view) throw notFound()
    return view
  }

  app.get<IdRequest>('/devices/:id', async (request) => visibleDevice(request))

  // History from the readings store (SQLite or InfluxDB); `source` names which one answered.
  app.get<IdRequest>('/devices/:id/readings', async (request) => {
    const view = visibleDevice(request)
    const q = historyRequest(view.id, validated(ReadingsQuery, withoutEmpty(request.query)), clock.now())
    const result = await readings.history(q).catch((err: unknown) => {
      if (err instanceof FirewatchError && err.code === 'FGW_ERR_STORAGE_QUERY') {
        throw new HttpError('FGW_ERR_STORAGE_QUERY', 503, err.message)
      }
      throw err
    })
    return {
      device: view.id,
      source: result.source,
      from: q.from,
      to: q.to,
      step: result.step,
      truncated: result.truncated,
      readings: result.readings,
    }
  })
}

function historyRequest(
  device: string,
  query: { metric?: string; from?: number; to?: number; step?: number | 'raw' },
  now: number,
): HistoryRequest {
  const to = query.to ?? Math.max(now, query.from ?? now)
  const from = query.from ?? to - DEFAULT_RANGE_MS
  if (typeof query.step === 'number' && (to - from) / query.step > MAX_BUCKETS) {
    const message = `step too small: at most ${MAX_BUCKETS} steps per request`
    throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, [
      { code: 'custom', path: ['step'], message },
    ])
  }
  return { device, metric: query.metric, from, to, step: query.step }
}
