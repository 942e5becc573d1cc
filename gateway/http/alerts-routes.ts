import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Alert } from '../../alerting/alert.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { principalOf, type TokenPrincipal } from './auth.ts'
import type { AlertService } from './http-deps.ts'
import { notFound } from './http-errors.ts'
import { AlertsQuery, NoteBody, STATES_OF, validated, withoutEmpty } from './request-schemas.ts'

interface AlertsOptions {
  alerts: AlertService
  site: SiteModel
}

type IdRequest = { Params: { id: string } }
type Transition = (id: string, actor: string, note: string | null) => Alert | undefined

export async function alertsRoutes(app: FastifyInstance, options: AlertsOptions): Promise<void> {
  const { alerts } = options
  app.get('/alerts', async (request) => ({
    alerts: listAlerts(options, principalOf(request), request.query),
  }))

  app.get<IdRequest>('/alerts/:id', async (request) => {
    const alert = visibleAlert(alerts, principalOf(request), request.params.id)
    return { ...alert, history: alerts.history(alert.id) }
  })

  // ack and resolve are idempotent in the lifecycle: a repeat answers the alert as it is.
  const act = (transition: Transition) => async (request: FastifyRequest<IdRequest>) => {
    const principal = principalOf(request)
    const body = validated(NoteBody, request.body ?? {})
    const alert = visibleAlert(alerts, principal, request.params.id)
    const changed = transition(alert.id, principal.name, body.note ?? null)
    if (!changed) throw notFound()
    return changed
  }
  app.post<IdRequest>(
    '/alerts/:id/ack',
    act((id, actor, note) => alerts.acknowledge(id, actor, note)),
  )
  app.post<IdRequest>(
    '/alerts/:id/resolve',
    act((id, actor, note) => alerts.resolve(id, actor, note)),
  )
}

function listAlerts({ alerts, site }: AlertsOptions, principal: TokenPrincipal, query: unknown): Alert[] {
  const q = validated(AlertsQuery, withoutEmpty(query))
  // A manager asking for a building that is not theirs learns nothing, not even that it exists.
  if (q.building !== undefined && !(site.building(q.building) && canSeeBuilding(principal, q.building))) {
    throw notFound()
  }
  return alerts.list({
    states: STATES_OF[q.state],
    building: q.building,
    class: q.class,
    since: q.since,
    buildings: principal.buildings,
    limit: q.limit,
  })
}

function visibleAlert(alerts: AlertService, principal: TokenPrincipal, id: string): Alert {
  const alert = alerts.get(id)
  if (!alert || !canSeeBuilding(principal, alert.building)) throw notFound()
  return alert
}
