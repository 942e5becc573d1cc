import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { wallDate } from '../../alerting/schedules/zone-clock.ts'
import { canSeeBuilding, type SiteModel } from '../../ingest/site/site-model.ts'
import { toWall } from '../../ingest/wall-clock.ts'
import { listsHtml, tableCsv } from '../../register/lists-render.ts'
import { monthlyHtml } from '../../register/monthly-html.ts'
import { monthlyReport } from '../../register/monthly-report.ts'
import type { RegisterPart } from '../../register/register-part.ts'
import { xlsx } from '../../register/xlsx-writer.ts'
import { principalOf } from './auth.ts'
import { actorOf } from './hazard-routes.ts'
import { DeliveriesQuery, GradeHistoryQuery, ListsQuery, MonthlyRegisterQuery } from './hazard-schemas.ts'
import { HttpError, notFound } from './http-errors.ts'
import { validated, withoutEmpty } from './request-schemas.ts'

export interface RegisterRoutesOptions {
  site: SiteModel
  register: RegisterPart
  clock: { now(): number }
}

/** Report pages carry no script and load nothing; their inline style is their own. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'"

/**
 * The two lists (HTML, CSV, XLSX), risk grades and their history, the monthly report (JSON, HTML,
 * PDF) and its deliveries. Scoped as the rest of the API: a manager's lists and grades hold their
 * own buildings; the site-wide report and the deliveries are the brigade's and admins'.
 */
export async function registerRoutes(app: FastifyInstance, options: RegisterRoutesOptions): Promise<void> {
  const { site, register, clock } = options
  const buildingParam = (request: FastifyRequest, building: string | undefined) => {
    if (
      building !== undefined &&
      !(site.building(building) && canSeeBuilding(principalOf(request), building))
    )
      throw notFound()
    return building
  }
  const lists = (request: FastifyRequest) => {
    const q = validated(ListsQuery, withoutEmpty(request.query))
    const building = buildingParam(request, q.building)
    return register.lists(actorOf(request), building, q.lang ?? site.locale, q.state === 'open')
  }
  const today = () => wallDate(toWall(clock.now(), site.timezone))

  app.get('/hazards/lists.html', async (request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', PAGE_CSP)
      .send(listsHtml(lists(request), site.name)),
  )
  for (const which of ['hazards', 'responsibility'] as const) {
    app.get(`/hazards/lists/${which}.csv`, async (request, reply) =>
      attachment(reply, `${which}-${today()}.csv`, 'text/csv; charset=utf-8').send(
        tableCsv(lists(request)[which]),
      ),
    )
  }
  app.get('/hazards/lists.xlsx', async (request, reply) => {
    const l = lists(request)
    const type = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
    return attachment(reply, `hazard-lists-${today()}.xlsx`, type).send(xlsx([l.hazards, l.responsibility]))
  })

  // The site's hazard categories with their names, for the register page's form (wall).
  app.get('/register/categories', async () => ({ categories: site.file.register.categories }))

  app.get('/risk/grades', async (request) => {
    const principal = principalOf(request)
    const visible = site.buildings.filter((b) => canSeeBuilding(principal, b.id))
    return { grades: visible.map((b) => register.grades.current(b.id)).filter((g) => g !== null) }
  })
  app.get('/risk/grades/history', async (request) => {
    const q = validated(GradeHistoryQuery, withoutEmpty(request.query))
    const principal = principalOf(request)
    const building = buildingParam(request, q.building)
    const ids =
      building !== undefined
        ? [building]
        : site.buildings.map((b) => b.id).filter((b) => canSeeBuilding(principal, b))
    const from =
      q.from === undefined
        ? clock.now() - 366 * 86_400_000
        : Date.parse(`${q.from}-01T00:00:00Z`) - 86_400_000
    return { grades: register.grades.history(ids, from, q.limit) }
  })

  const monthly =
    (format: 'json' | 'html' | 'pdf') => async (request: FastifyRequest, reply: FastifyReply) => {
      const q = validated(MonthlyRegisterQuery, withoutEmpty(request.query))
      const building = buildingParam(request, q.building)
      // The whole site's report holds every building: not for a manager's token.
      if (building === undefined && principalOf(request).buildings !== null) throw notFound()
      const month = q.month ?? today().slice(0, 7)
      const report = await monthlyReport(
        register.monthlyDeps,
        month,
        building ?? null,
        clock.now(),
        q.lang ?? site.locale,
      )
      if (format === 'json') return report
      const html = monthlyHtml(report)
      if (format === 'html')
        return reply.type('text/html; charset=utf-8').header('content-security-policy', PAGE_CSP).send(html)
      return attachment(reply, `monthly-${building ?? 'site'}-${month}.pdf`, 'application/pdf').send(
        await printed(register, html),
      )
    }
  app.get('/register/reports/monthly', monthly('json'))
  app.get('/register/reports/monthly.html', monthly('html'))
  app.get('/register/reports/monthly.pdf', monthly('pdf'))

  app.get('/register/reports/deliveries', async (request) => {
    const q = validated(DeliveriesQuery, withoutEmpty(request.query))
    if (principalOf(request).role === 'manager') throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
    return { deliveries: register.delivery.list(q.month) }
  })

  app.get('/holidays', async () => {
    const year = Number(today().slice(0, 4))
    // This year's and next year's statutory holidays, or `known: false` while not announced.
    return {
      years: [year, year + 1].map((y) => ({
        year: y,
        known: register.calendar.hasYear(y),
        ...register.calendar.yearOf(y),
      })),
    }
  })
}

export function attachment(reply: FastifyReply, name: string, type: string): FastifyReply {
  return reply.type(type).header('content-disposition', `attachment; filename="${name}"`)
}

/** A PDF, or 503 FGW_ERR_REPORT_PDF when printing is off or fails (logged). */
export async function printed(register: RegisterPart, html: string): Promise<Buffer> {
  try {
    return await register.printer.print(html)
  } catch (err) {
    const error = new HttpError('FGW_ERR_REPORT_PDF', 503)
    error.cause = err
    throw error
  }
}
