import type { FastifyInstance, FastifyRequest } from 'fastify'
import { canSeeBuilding, type SiteModel } from '../../ingest/site-model.ts'
import type { DeviceView, LiveState } from '../live-state.ts'
import { principalOf } from './auth.ts'
import { notFound } from './http-errors.ts'
import { ReadingsQuery, validated, withoutEmpty } from './request-schemas.ts'

interface DevicesOptions {
  site: SiteModel
  live: LiveState
}

type IdRequest = { Params: { id: string } }

export async function devicesRoutes(app: FastifyInstance, { site, live }: DevicesOptions): Promise<void> {
  const visibleDevice = (request: FastifyRequest<IdRequest>): DeviceView => {
    const device = site.device(request.params.id)
    const view =
      device && canSeeBuilding(principalOf(request), device.building) ? live.device(device.id) : undefined
    if (!view) throw notFound()
    return view
  }

  app.get<IdRequest>('/devices/:id', async (request) => visibleDevice(request))

  // The readings store is not wired in yet: until it is, this answers from the live state, i.e. only
  // the latest value per metric, and says so with `source: 'latest'` (a store answers 'history').
  app.get<IdRequest>('/devices/:id/readings', async (request) => {
    const view = visibleDevice(request)
    const q = validated(ReadingsQuery, withoutEmpty(request.query))
    const readings = Object.entries(view.latest)
      .filter(
        ([metric]) => q.metric === undefined || metric === q.metric || metric.startsWith(`${q.metric}:`),
      )
      .filter(([, v]) => (q.from === undefined || v.ts >= q.from) && (q.to === undefined || v.ts <= q.to))
      .map(([metric, v]) => ({ metric, value: v.value, ts: v.ts }))
      .sort((a, b) => a.ts - b.ts || a.metric.localeCompare(b.metric))
    return { device: view.id, source: 'latest' as const, readings }
  })
}
