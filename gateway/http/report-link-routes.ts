import type { FastifyInstance } from 'fastify'
import { monthlyHtml } from '../../register/monthly-html.ts'
import type { RegisterPart } from '../../register/register-part.ts'
import { HttpError } from './http-errors.ts'
import { attachment, printed } from './register-routes.ts'

const TOKEN = /^[A-Za-z0-9_-]{20}$/

/**
 * The tracked links of monthly reports (`/r/<token>`, `/r/<token>.pdf`): no API token, the link is
 * the credential (20 random characters, one per recipient and report, valid REPORT_LINK_TTL_DAYS
 * after it was sent). Each opening is recorded; the first one is the report's "opened".
 */
export async function reportLinkRoutes(
  app: FastifyInstance,
  options: { register: RegisterPart; clock: { now(): number } },
): Promise<void> {
  app.get<{ Params: { token: string } }>('/r/:token', async (request, reply) => {
    const pdf = request.params.token.endsWith('.pdf')
    const token = pdf ? request.params.token.slice(0, -4) : request.params.token
    if (!TOKEN.test(token)) throw new HttpError('FGW_ERR_REPORT_LINK', 404)
    const opened = await options.register.delivery.open(token, options.clock.now())
    if (opened === 'unknown') throw new HttpError('FGW_ERR_REPORT_LINK', 404)
    if (opened === 'expired') throw new HttpError('FGW_ERR_REPORT_LINK', 410)
    const html = monthlyHtml(opened.report, { pdf: `/r/${token}.pdf` })
    if (pdf)
      return attachment(reply, `monthly-${opened.report.month}.pdf`, 'application/pdf').send(
        await printed(options.register, html),
      )
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .header('cache-control', 'no-store')
      .send(html)
  })
}
