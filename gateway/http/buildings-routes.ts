import type { FastifyInstance } from 'fastify'
import type { WindowJson } from '../../alerting/windows/window.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site-model.ts'
import type { LiveState } from '../live-state.ts'
import { principalOf } from './auth.ts'
import { notFound } from './http-errors.ts'

interface BuildingsOptions {
  site: SiteModel
  live: LiveState
  /** Active test / maintenance windows of a building (issue 7): the wall shows them. */
  windows?: (building: string) => WindowJson[]
}

export async function buildingsRoutes(
  app: FastifyInstance,
  { site, live, windows }: BuildingsOptions,
): Promise<void> {
  const withWindows = <B extends { id: string }>(b: B) => (windows ? { ...b, windows: windows(b.id) } : b)
  app.get('/buildings', async (request) => ({
    buildings: live.buildingSummaries(principalOf(request).buildings).map(withWindows),
    // Extension (issue 10): clients show times in the site's zone.
    site: live.siteInfo(),
  }))

  app.get<{ Params: { id: string } }>('/buildings/:id', async (request) => {
    const { id } = request.params
    const detail =
      site.building(id) && canSeeBuilding(principalOf(request), id) ? live.buildingDetail(id) : undefined
    if (!detail) throw notFound()
    return withWindows(detail)
  })
}
