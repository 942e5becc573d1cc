import type { FastifyInstance } from 'fastify'
import type { WindowService } from '../../alerting/windows/window-service.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { principalOf, type TokenPrincipal } from './auth.ts'
import { HttpError, notFound } from './http-errors.ts'
import { validated, withoutEmpty } from './request-schemas.ts'
import { WindowBody, WindowsQuery } from './window-schemas.ts'

interface WindowsOptions {
  windows: WindowService
  site: SiteModel
}

type IdRequest = { Params: { id: string } }

/**
 * Test and maintenance windows (docs/rules.md). Everyone may read the windows of the buildings they see;
 * admins open and close any, managers those of their own buildings. Anything else answers 404, as
 * for an alert of another building: nothing is revealed.
 */
export async function windowsRoutes(app: FastifyInstance, { windows, site }: WindowsOptions): Promise<void> {
  app.get('/windows', async (request) => {
    const principal = principalOf(request)
    const q = validated(WindowsQuery, withoutEmpty(request.query))
    if (q.building !== undefined && !(site.building(q.building) && canSeeBuilding(principal, q.building)))
      throw notFound()
    const visible = windows
      .list()
      .filter((w) => canSeeBuilding(principal, w.building))
      .filter((w) => q.building === undefined || w.building === q.building)
      .filter((w) => q.state === 'all' || w.active)
    return { windows: visible }
  })

  app.get<IdRequest>('/windows/:id', async (request) => {
    const w = windows.get(request.params.id)
    if (!w || !canSeeBuilding(principalOf(request), w.building)) throw notFound()
    return w
  })

  app.post('/windows', async (request, reply) => {
    const principal = principalOf(request)
    const body = validated(WindowBody, request.body ?? {})
    if (!mayManage(principal, body.building, site)) throw notFound()
    const { startsAt, endsAt, ...rest } = body
    const outcome = windows.open(
      {
        ...rest,
        ...(startsAt === undefined ? {} : { startsAt: Date.parse(startsAt) }),
        ...(endsAt === undefined ? {} : { endsAt: Date.parse(endsAt) }),
      },
      principal.name,
    )
    if (!outcome.ok) {
      const issues = [{ code: 'custom', path: [], message: outcome.problem }]
      throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, outcome.problem, issues)
    }
    void reply.code(201)
    return outcome.window
  })

  app.delete<IdRequest>('/windows/:id', async (request) => {
    const principal = principalOf(request)
    const w = windows.get(request.params.id)
    if (!w || !mayManage(principal, w.building, site)) throw notFound()
    // Idempotent: a window already over answers as it is.
    return windows.close(w.id) ?? windows.get(w.id)
  })
}

function mayManage(principal: TokenPrincipal, building: string, site: SiteModel): boolean {
  if (!site.building(building)) return false
  if (principal.role === 'admin') return true
  return principal.role === 'manager' && canSeeBuilding(principal, building)
}
