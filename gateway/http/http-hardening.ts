import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { ErrorCodes } from '../../ingest/error-codes.ts'
import type { Hardening } from '../limits/hardening.ts'
import type { LoginGuard } from '../limits/login-guard.ts'
import { retryLater } from './http-errors.ts'
import type { HttpListeners } from './http-listeners.ts'

export interface HttpHardening {
  limits: Hardening
  /** Wrong bearer tokens count into the HTTP login guard (never into the MQTT one). */
  loginGuard: HttpLoginGuard
  /** The servers fastify answers on (HTTPS and/or plain HTTP). */
  listeners?: HttpListeners
}

export interface HttpLoginGuard {
  loginGuard: LoginGuard
  /** A lockout began (firewatch_login_lockouts_total). */
  onLockout: () => void
  /** A request was refused, unchecked, for its address's back-off or lockout (firewatch_limit_hits_total). */
  onRefused: (limit: 'http_login_backoff' | 'http_login_lockout', address: string) => void
}

/**
 * Fastify options that come from the hardening: the body limit, the servers with their connection
 * caps and timeouts (http-listeners.ts, whose malformed requests are answered there too), and the
 * proxies trusted to name the client. With HTTP_TRUSTED_PROXIES, `request.ip` is the address the
 * nearest trusted hop puts in X-Forwarded-For (fastify's trustProxy, proxy-addr's rules), so the
 * request rate and the login guard count each client behind a reverse proxy on its own; without
 * it, X-Forwarded-For is never believed, whoever sends it.
 */
export function hardenedServerOptions(hardening: HttpHardening | undefined) {
  if (!hardening) return {}
  const listeners = hardening.listeners
  const trusted = hardening.limits.http.trustedProxies
  return {
    bodyLimit: hardening.limits.http.maxBodyBytes,
    ...(listeners
      ? { serverFactory: listeners.serverFactory as never, clientErrorHandler: listeners.clientErrorHandler }
      : {}),
    ...(trusted.length > 0 ? { trustProxy: [...trusted] } : {}),
  }
}

/**
 * The wall's policy: scripts and styles only from the gateway itself, no inline script, no
 * framing, nothing fetched from elsewhere. Pages that set their own CSP (the one-tap ack page, no
 * script at all) keep theirs.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "worker-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ')

const ALWAYS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

/** Request rate per address (429), body-size hits (413) counted, security headers, closed CORS. */
export function registerHardening(app: FastifyInstance, hardening: HttpHardening): void {
  const { http, reporter } = hardening.limits
  const allowed = new Set(http.corsOrigins)
  app.addHook('onRequest', async (request, reply) => {
    if (!http.requestsPerAddress.take(request.ip)) {
      reporter.hit('http_request_rate', request.ip)
      throw retryLater(
        'FGW_ERR_HTTP_RATE_LIMITED',
        http.requestsPerAddress.secondsUntilNext(request.ip) * 1000,
      )
    }
    if (request.method === 'OPTIONS' && request.headers.origin) return preflight(request, reply, allowed)
    return undefined
  })
  app.addHook('onError', async (request, _reply, error) => {
    if ((error as { statusCode?: number }).statusCode === 413) reporter.hit('http_body_size', request.ip)
  })
  app.addHook('onSend', async (request, reply) => {
    for (const [name, value] of Object.entries(ALWAYS)) void reply.header(name, value)
    if (!reply.hasHeader('content-security-policy'))
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY)
    if (request.protocol === 'https') void reply.header('strict-transport-security', 'max-age=31536000')
    const origin = request.headers.origin
    if (origin && allowed.has(origin)) {
      void reply.header('access-control-allow-origin', origin)
      void reply.header('vary', 'Origin')
    }
  })
}

/** CORS preflight: only for CORS_ORIGINS (empty by default, so every cross-origin call is refused). */
function preflight(request: FastifyRequest, reply: FastifyReply, allowed: ReadonlySet<string>) {
  const origin = request.headers.origin!
  if (!allowed.has(origin)) {
    return reply.code(403).send({
      error: 'FGW_ERR_HTTP_CORS',
      message: ErrorCodes.FGW_ERR_HTTP_CORS,
      requestId: request.id,
    })
  }
  return reply
    .code(204)
    .header('access-control-allow-origin', origin)
    .header('access-control-allow-methods', 'GET, POST, DELETE')
    .header('access-control-allow-headers', 'authorization, content-type')
    .header('access-control-max-age', '600')
    .header('vary', 'Origin')
    .send()
}
