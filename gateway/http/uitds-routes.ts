import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import type { UitdView } from '../uitd-view.ts'
import { principalOf } from './auth.ts'
import { notFound } from './http-errors.ts'
import { validated, withoutEmpty } from './request-schemas.ts'

/** What the routes need of the UITD receiver (gateway/uitd-wiring.ts). */
export interface UitdService {
  /** The UITDs of these buildings (null = all), with their state and learned components. */
  list(buildings: ReadonlySet<string> | null): UitdView[]
}

export const UitdsQuery = z.object({ building: z.string().min(1).max(64).optional() }).strict()

/**
 * The fire panels' UITDs (docs/gbt26875.md): connected, last seen, frames, denials, and the parts
 * they report that the site file does not declare, for an admin to place. Admins and the brigade
 * see every building's; a manager only those of their buildings (another building is a 404).
 */
export async function uitdsRoutes(
  app: FastifyInstance,
  { uitds, site }: { uitds: UitdService; site: SiteModel },
): Promise<void> {
  app.get('/uitds', async (request) => {
    const principal = principalOf(request)
    const q = validated(UitdsQuery, withoutEmpty(request.query))
    if (q.building !== undefined && !(site.building(q.building) && canSeeBuilding(principal, q.building)))
      throw notFound()
    const scope = q.building !== undefined ? new Set([q.building]) : principal.buildings
    return { uitds: uitds.list(scope) }
  })

  app.get<{ Params: { id: string } }>('/uitds/:id', async (request) => {
    const uitd = site.uitd(request.params.id)
    if (!uitd || !canSeeBuilding(principalOf(request), uitd.building)) throw notFound()
    const [view] = uitds.list(new Set([uitd.building])).filter((u) => u.id === uitd.id)
    if (!view) throw notFound()
    return view
  })
}
