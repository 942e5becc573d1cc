import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal, SiteModel } from '../../ingest/site-model.ts'
import { unauthorized } from './http-errors.ts'

export type TokenPrincipal = Extract<Principal, { type: 'token' }>

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the auth plugin on /api routes; null elsewhere. */
    principal: TokenPrincipal | null
  }
}

const BEARER = /^Bearer +(\S+) *$/i

/**
 * Resolves `Authorization: Bearer <token>` for every route of the scope it is registered in, and
 * refuses the request with 401 before any handler runs.
 */
async function authPlugin(scope: FastifyInstance, opts: { site: SiteModel }): Promise<void> {
  scope.decorateRequest('principal', null)
  scope.addHook('onRequest', async (request) => {
    request.principal = principalFromHeader(opts.site, request.headers.authorization)
  })
}

// Like fastify-plugin: the hook must apply to the sibling route plugins of the /api scope, not only
// inside this plugin's own (empty) context.
export const auth = Object.assign(authPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'firewatch-auth',
})

function principalFromHeader(site: SiteModel, header: string | undefined): TokenPrincipal {
  const token = header ? BEARER.exec(header)?.[1] : undefined
  const principal = token ? site.principalForToken(token) : null
  if (principal?.type !== 'token') throw unauthorized()
  return principal
}

/** The caller of an authenticated route; throws 401 if the route was mounted outside the auth scope. */
export function principalOf(request: FastifyRequest): TokenPrincipal {
  if (!request.principal) throw unauthorized()
  return request.principal
}
