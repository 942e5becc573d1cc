import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import { decodeCsv } from '../../register/csv.ts'
import { ackLinkRoutes } from './ack-link-routes.ts'
import { alertsRoutes } from './alerts-routes.ts'
import { auth } from './auth.ts'
import { buildingsRoutes } from './buildings-routes.ts'
import { contactsRoutes } from './contacts-routes.ts'
import { devicesRoutes } from './devices-routes.ts'
import { docsRoutes } from './docs-routes.ts'
import { hazardRoutes } from './hazard-routes.ts'
import { healthRoutes } from './health-routes.ts'
import type { HttpDeps } from './http-deps.ts'
import { handleError, handleNotFound } from './http-errors.ts'
import { type HttpHardening, hardenedServerOptions, registerHardening } from './http-hardening.ts'
import { countNothing } from './http-refusals.ts'
import { incidentsRoutes } from './incidents-routes.ts'
import { type LiveLimits, liveRoutes } from './live-routes.ts'
import { requestLogSerializers } from './log-redaction.ts'
import { metricsGuard } from './metrics-access.ts'
import { patrolLinkRoutes } from './patrol-link-routes.ts'
import { pushRoutes } from './push-routes.ts'
import { registerRoutes } from './register-routes.ts'
import { reportLinkRoutes } from './report-link-routes.ts'
import { DebugRequestLog } from './request-log.ts'
import { scheduleRoutes } from './schedule-routes.ts'
import { selfTestRoutes } from './self-test-routes.ts'
import { twilioStatusRoutes } from './twilio-status-routes.ts'
import { uitdsRoutes } from './uitds-routes.ts'
import { webRoutes } from './web-routes.ts'
import { windowsRoutes } from './windows-routes.ts'

export type { AlertListFilter, AlertService, HttpDeps } from './http-deps.ts'

const BODY_LIMIT = 64 * 1024

// Fastify's request serializer logs no headers today; the redaction keeps tokens out of the log even
// if someone logs a request or its headers later.
const REDACT = ['req.headers.authorization', 'request.headers.authorization', 'headers.authorization']

/**
 * The HTTP API of docs/protocol.md. Returned unstarted: call `listen()` or `inject()`. Routes validate
 * with zod in the handlers; errors of every route go through one error handler.
 */
export function createHttpApp(deps: HttpDeps): FastifyInstance {
  // deps.log is already the caller's `module: 'http'` child; only the redaction is added here.
  const log: FastifyBaseLogger = deps.log.child(
    {},
    { redact: { paths: REDACT, censor: '[redacted]' }, serializers: requestLogSerializers },
  )
  // forceCloseConnections: idle keep-alive and live-stream connections must not hold up a shutdown.
  const app = Fastify({
    loggerInstance: log,
    logController: new DebugRequestLog(),
    bodyLimit: BODY_LIMIT,
    forceCloseConnections: true,
    ...hardenedServerOptions(deps.hardening),
  })
  if (deps.hardening) registerHardening(app, deps.hardening)
  const countRefusal = deps.countRefusal ?? countNothing
  acceptEmptyJson(app)
  app.setErrorHandler(handleError)
  app.setNotFoundHandler(handleNotFound)
  app.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id)
  })

  void app.register(healthRoutes, {
    registry: deps.registry,
    ready: deps.ready,
    clock: deps.clock,
    metricsGuard: metricsGuard({
      access: deps.metricsAccess ?? { mode: 'open' },
      site: deps.site,
      guard: deps.hardening?.loginGuard,
      countRefusal,
    }),
  })
  void app.register(docsRoutes, {
    ackLinks: Boolean(deps.ackLinks),
    push: Boolean(deps.push),
    live: Boolean(deps.liveStream),
    incidents: Boolean(deps.incidents),
    contacts: Boolean(deps.contacts),
    twilioStatus: Boolean(deps.twilioStatus),
    schedules: Boolean(deps.schedules),
    windows: Boolean(deps.windows),
    register: Boolean(deps.register),
    uitds: Boolean(deps.uitds),
    selfTest: Boolean(deps.selfWatch),
  })
  if (deps.ackLinks) {
    const history = (id: string) => deps.alerts.history(id)
    void app.register(ackLinkRoutes, { links: deps.ackLinks, history, clock: deps.clock })
  }
  if (deps.twilioStatus) void app.register(twilioStatusRoutes, { twilio: deps.twilioStatus, countRefusal })
  if (deps.patrolLinks) void app.register(patrolLinkRoutes, { links: deps.patrolLinks, site: deps.site })
  if (deps.webDir) void app.register(webRoutes, { dir: deps.webDir })
  if (deps.register) void app.register(reportLinkRoutes, { register: deps.register.part, clock: deps.clock })
  void app.register(
    async (api) => {
      await api.register(auth, { site: deps.site, guard: deps.hardening?.loginGuard })
      await api.register(alertsRoutes, { alerts: deps.alerts, site: deps.site })
      if (deps.incidents) await api.register(incidentsRoutes, { incidents: deps.incidents, site: deps.site })
      await api.register(buildingsRoutes, { site: deps.site, live: deps.live })
      await api.register(devicesRoutes, {
        site: deps.site,
        live: deps.live,
        readings: deps.readings,
        clock: deps.clock,
      })
      if (deps.push)
        await api.register(pushRoutes, { push: deps.push, site: deps.site, clock: deps.clock, countRefusal })
      if (deps.liveStream) {
        await api.register(liveRoutes, { stream: deps.liveStream, limits: liveLimits(deps.hardening) })
      }
      if (deps.contacts) await api.register(contactsRoutes, { contacts: deps.contacts })
      if (deps.schedules) await api.register(scheduleRoutes, { schedules: deps.schedules, site: deps.site })
      if (deps.windows) await api.register(windowsRoutes, { windows: deps.windows, site: deps.site })
      if (deps.register) await registerRegisterRoutes(api, deps, deps.register)
      if (deps.uitds) await api.register(uitdsRoutes, { uitds: deps.uitds, site: deps.site })
      if (deps.selfWatch) await api.register(selfTestRoutes, { selfWatch: deps.selfWatch })
    },
    { prefix: '/api/v1' },
  )
  return app
}

/**
 * `POST .../ack` with `Content-Type: application/json` and no body is a normal client habit (the
 * note is optional); fastify's parser refuses it, so an empty body parses as "no body" here.
 */
function acceptEmptyJson(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body)
    if (text.trim() === '') done(null, undefined)
    else parseJson(request, text, done)
  })
}

async function registerRegisterRoutes(
  api: FastifyInstance,
  deps: HttpDeps,
  { part, limits }: NonNullable<HttpDeps['register']>,
): Promise<void> {
  await api.register(hazardRoutes, {
    site: deps.site,
    hazards: part.hazards,
    importCsv: (actor, bytes) => part.importCsv(actor, decodeCsv(bytes)),
    ruleIds: part.ruleIds,
    limits,
  })
  await api.register(registerRoutes, { site: deps.site, register: part, clock: deps.clock })
}

function liveLimits(hardening: HttpHardening | undefined): LiveLimits | undefined {
  if (!hardening) return undefined
  const { connections, reporter } = hardening.limits
  return { streams: connections.live, heartbeatMs: connections.timeouts.liveHeartbeatMs, reporter }
}
