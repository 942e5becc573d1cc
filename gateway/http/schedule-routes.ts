import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ScheduleService } from '../../alerting/schedules/schedule-services.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { principalOf, type TokenPrincipal } from './auth.ts'
import { HttpError, notFound } from './http-errors.ts'
import { validated, withoutEmpty } from './request-schemas.ts'
import {
  ConfirmBody,
  DailyReportQuery,
  MonthlyReportQuery,
  OverdueQuery,
  PatrolChecksQuery,
} from './schedule-schemas.ts'

type IdRequest = { Params: { id: string } }

/**
 * Reports (JSON, or a readable page with `Accept: text/html` or the `.html` path), the overdue
 * list and patrol checks, under /api/v1 and its token auth. A manager sees their own buildings
 * only; anything else is a 404, as for alerts.
 */
export async function scheduleRoutes(
  app: FastifyInstance,
  options: { schedules: ScheduleService; site: SiteModel },
): Promise<void> {
  const { schedules, site } = options
  const visible = (principal: TokenPrincipal, building: string) => {
    if (!site.building(building) || !canSeeBuilding(principal, building)) throw notFound()
  }
  const report =
    (kind: 'daily' | 'monthly', html: boolean) => async (request: FastifyRequest, reply: FastifyReply) => {
      const query = withoutEmpty(request.query)
      const { building, label } =
        kind === 'daily'
          ? (({ building, date }) => ({ building, label: date }))(validated(DailyReportQuery, query))
          : (({ building, month }) => ({ building, label: month }))(validated(MonthlyReportQuery, query))
      visible(principalOf(request), building)
      const r = schedules.report(kind, building, label)
      if (!html && !wantsHtml(request)) return r
      return reply
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
        .send(schedules.reportHtml(r))
    }
  app.get('/reports/daily', report('daily', false))
  app.get('/reports/daily.html', report('daily', true))
  app.get('/reports/monthly', report('monthly', false))
  app.get('/reports/monthly.html', report('monthly', true))

  app.get('/overdue', async (request) => {
    const q = validated(OverdueQuery, withoutEmpty(request.query))
    const principal = principalOf(request)
    if (q.building !== undefined) visible(principal, q.building)
    const scope = q.building !== undefined ? new Set([q.building]) : principal.buildings
    return { items: schedules.overdue(scope) }
  })

  app.get('/patrols/checks', async (request) => {
    const q = validated(PatrolChecksQuery, withoutEmpty(request.query))
    return { checks: schedules.patrolChecks(principalOf(request).buildings, q.limit) }
  })

  app.post<IdRequest>('/patrols/checks/:id/confirm', async (request) => {
    validated(ConfirmBody, request.body ?? {})
    const principal = principalOf(request)
    const building = schedules.checkBuilding(request.params.id)
    if (building === undefined) throw notFound()
    visible(principal, building)
    const result = schedules.confirmByToken(request.params.id, principal.name)
    if (result.status === 'unknown') throw notFound()
    // Presence is proven by the on-duty contact's own token, not by anyone who can see the check.
    if (result.status === 'not-on-duty') throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
    return result
  })
}

function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? ''
  return accept.includes('text/html') && !accept.includes('application/json')
}
