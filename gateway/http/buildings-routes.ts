import type { FastifyInstance } from 'fastify'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import type { LiveState } from '../live/live-state.ts'
import { principalOf } from './auth.ts'
import { notFound } from './http-errors.ts'

interface BuildingsOptions {
  site: SiteModel
  live: LiveState
}

export async function buildingsRoutes(app: FastifyInstance, { site, live }: BuildingsOptions): Promise<void> {
  app.get('/buildings', async (request) => ({
    buildings: live.buildingSummaries(principalOf(request).buildings),
    // Clients show times in the site's zone (README "Languages").
    site: live.siteInfo(),
  }))

  app.get<{ Params: { id: string } }>('/buildings/:id', async (request) => {
    const { id } = request.params
    const detail =
      site.building(id) && canSeeBuilding(principalOf(request), id) ? live.buildingDetail(id) : undefined
    if (!detail) throw notFound()
    return detail
  })
}
