import type { FastifyRequest } from 'fastify'
import { sameDigest } from '../../ingest/site/secret-hash.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { bearerTokenOf, refuseWhileGuarded, wrongToken } from './auth.ts'
import { HttpError } from './http-errors.ts'
import type { HttpLoginGuard } from './http-hardening.ts'
import type { CountRefusal } from './http-refusals.ts'

/**
 * Who may read /metrics (METRICS_ACCESS). `open`: anyone who reaches the port, as Prometheus
 * scrapes by default. `token`: a bearer token, METRICS_TOKEN or an admin's or brigade's API token;
 * the page shows site-wide figures (active alerts by class, connections, refusals), which a
 * building manager's token does not otherwise see.
 */
export type MetricsAccess = { mode: 'open' } | { mode: 'token'; metricsToken: string | null }

export interface MetricsGuardOptions {
  access: MetricsAccess
  site: SiteModel
  /** The HTTP login guard: a wrong token here counts like a wrong API token. */
  guard?: HttpLoginGuard
  countRefusal: CountRefusal
}

const SITE_WIDE_ROLES: ReadonlySet<string> = new Set(['admin', 'brigade'])

/** A preHandler for /metrics; nothing to check with METRICS_ACCESS=open. */
export function metricsGuard(options: MetricsGuardOptions) {
  return async (request: FastifyRequest): Promise<void> => {
    const { access } = options
    if (access.mode === 'open') return
    try {
      await checkMetricsToken(options, access.metricsToken, request)
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode
      if (status === 401 || status === 403) options.countRefusal('metrics_token')
      throw error
    }
  }
}

/**
 * The login guard comes first, as for the API: an address in back-off or locked out gets 429
 * before any token, METRICS_TOKEN included, is compared, so it cannot be guessed meanwhile.
 */
async function checkMetricsToken(
  options: MetricsGuardOptions,
  metricsToken: string | null,
  request: FastifyRequest,
): Promise<void> {
  const token = bearerTokenOf(request)
  refuseWhileGuarded(options.guard, request.ip)
  if (metricsToken !== null && sameDigest(metricsToken, token)) return
  const principal = await options.site.principalForBearer(token)
  if (principal?.type !== 'token') throw wrongToken(options.guard, request.ip)
  if (!SITE_WIDE_ROLES.has(principal.role)) throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
}
