import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Principal, SiteModel } from '../../ingest/site/site-model.ts'
import { HttpError, retryLater, unauthorized } from './http-errors.ts'
import type { HttpLoginGuard } from './http-hardening.ts'

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
async function authPlugin(scope: FastifyInstance, opts: AuthOptions): Promise<void> {
  scope.decorateRequest('principal', null)
  scope.addHook('onRequest', async (request) => {
    request.principal = await principalFromHeader(opts, request)
  })
}

export interface AuthOptions {
  site: SiteModel
  /** Failed-login back-off and lockout of bearer tokens (its own guard, apart from MQTT logins). */
  guard?: HttpLoginGuard
}

// Like fastify-plugin: the hook must apply to the sibling route plugins of the /api scope, not only
// inside this plugin's own (empty) context.
export const auth = Object.assign(authPlugin, {
  [Symbol.for('skip-override')]: true,
  [Symbol.for('fastify.display-name')]: 'firewatch-auth',
})

/** Hashed tokens are checked with scrypt: a wrong guess counts as a failed login of its address. */
async function principalFromHeader(opts: AuthOptions, request: FastifyRequest): Promise<TokenPrincipal> {
  const token = bearerTokenOf(request)
  refuseWhileGuarded(opts.guard, request.ip)
  const principal = await opts.site.principalForBearer(token)
  if (principal?.type === 'token') return principal
  throw wrongToken(opts.guard, request.ip)
}

/** The token of `Authorization: Bearer <token>`; 401 when there is none. */
export function bearerTokenOf(request: FastifyRequest): string {
  const header = request.headers.authorization
  const token = header ? BEARER.exec(header)?.[1] : undefined
  if (!token) throw unauthorized()
  return token
}

/** A token that matched nothing: a failed login of the client address (it may start a lockout); 401. */
export function wrongToken(guard: HttpLoginGuard | undefined, address: string): HttpError {
  if (guard?.loginGuard.failed(address, '')) guard.onLockout()
  return unauthorized()
}

/**
 * Lockout and back-off come before any token is checked. A locked-out address gets 429
 * FGW_ERR_LIMIT_LOGIN_LOCKOUT. While the back-off after its last failure runs, it gets 429
 * FGW_ERR_HTTP_RATE_LIMITED with `Retry-After`, and nothing is checked or counted. That is the
 * API's existing answer (docs/protocol.md, "Error codes") to "too many requests from this
 * address, retry after Retry-After": an error code and a status that clients already handle.
 * MQTT has no such answer, so it holds the CONNACK back instead. Holding an HTTP answer back would
 * keep a socket and a request open for each guess, and the token would still be checked when the
 * wait ended. Parallel guesses would still cost one scrypt each, and an honest client would see a
 * slow 401 with no reason given.
 */
export function refuseWhileGuarded(guard: HttpLoginGuard | undefined, address: string): void {
  if (!guard) return
  const { loginGuard, onRefused } = guard
  const verdict = loginGuard.before(address, '')
  if (verdict.kind === 'locked') {
    onRefused('http_login_lockout', address)
    throw new HttpError('FGW_ERR_LIMIT_LOGIN_LOCKOUT', 429)
  }
  if (verdict.backoffMs <= 0) return
  onRefused('http_login_backoff', address)
  throw retryLater('FGW_ERR_HTTP_RATE_LIMITED', verdict.backoffMs)
}

/** The caller of an authenticated route; throws 401 if the route was mounted outside the auth scope. */
export function principalOf(request: FastifyRequest): TokenPrincipal {
  if (!request.principal) throw unauthorized()
  return request.principal
}
