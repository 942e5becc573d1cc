import type { FastifyInstance } from 'fastify'
import type { Incident } from '../../alerting/incidents/incident.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { principalOf, type TokenPrincipal } from './auth.ts'
import type { IncidentService } from './http-deps.ts'
import { HttpError, notFound } from './http-errors.ts'
import { IncidentResolveBody, IncidentsQuery } from './incident-schemas.ts'
import { NoteBody, STATES_OF, validated, withoutEmpty } from './request-schemas.ts'

interface IncidentsOptions {
  incidents: IncidentService
  site: SiteModel
}

type IdRequest = { Params: { id: string } }

/**
 * Incidents (docs/protocol.md, "Incidents"): the alerts of one situation, handled as one. Role rules
 * as for alerts: a manager asking for another building's incident gets the 404 of one that does not
 * exist. Acknowledge and resolve are idempotent.
 */
export async function incidentsRoutes(app: FastifyInstance, options: IncidentsOptions): Promise<void> {
  const { incidents, site } = options
  app.get('/incidents', async (request) => {
    const principal = principalOf(request)
    const q = validated(IncidentsQuery, withoutEmpty(request.query))
    if (q.building !== undefined && !(site.building(q.building) && canSeeBuilding(principal, q.building))) {
      throw notFound()
    }
    const list = incidents.list({
      states: STATES_OF[q.state],
      building: q.building,
      class: q.class,
      since: q.since,
      buildings: principal.buildings,
      limit: q.limit,
    })
    return { incidents: list }
  })

  app.get<IdRequest>('/incidents/:id', async (request) => {
    const incident = visible(incidents, principalOf(request), request.params.id)
    return {
      ...incident,
      members: incident.alerts.map((id) => incidents.alert(id)).filter((a) => a !== undefined),
      timeline: incidents.timeline(incident.id),
    }
  })

  app.post<IdRequest>('/incidents/:id/ack', async (request) => {
    const principal = principalOf(request)
    const body = validated(NoteBody, request.body ?? {})
    const incident = visible(incidents, principal, request.params.id)
    return incidents.acknowledge(incident.id, principal.name, body.note ?? null) ?? notFoundThrown()
  })

  app.post<IdRequest>('/incidents/:id/resolve', async (request) => {
    const principal = principalOf(request)
    const body = validated(IncidentResolveBody, request.body ?? {})
    const incident = visible(incidents, principal, request.params.id)
    const outcome = incidents.resolve(incident.id, principal.name, {
      disposition: body.disposition ?? null,
      cause: body.cause ?? null,
      note: body.note ?? null,
    })
    if (outcome === 'disposition') {
      throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, [
        { code: 'custom', path: ['disposition'], message: 'a fire incident needs a disposition' },
      ])
    }
    return outcome ?? notFoundThrown()
  })
}

function visible(incidents: IncidentService, principal: TokenPrincipal, id: string): Incident {
  const incident = incidents.get(id)
  if (!incident || !canSeeBuilding(principal, incident.building)) throw notFound()
  return incident
}

function notFoundThrown(): never {
  throw notFound()
}
