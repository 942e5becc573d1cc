import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Registry } from 'prom-client'

interface HealthOptions {
  registry: Registry
  ready: () => boolean
  clock: { now(): number }
  /** Who may read /metrics (METRICS_ACCESS, gateway/http/metrics-access.ts). */
  metricsGuard: (request: FastifyRequest) => Promise<void>
}

/**
 * Load balancers and orchestrators probe /healthz without a token; Prometheus scrapes /metrics,
 * with a bearer token when METRICS_ACCESS=token.
 */
export async function healthRoutes(
  app: FastifyInstance,
  { registry, ready, clock, metricsGuard }: HealthOptions,
): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const up = ready()
    // The gateway's own time (epoch ms) helps spot a skewed clock, which decides how device timestamps are read.
    void reply.code(up ? 200 : 503)
    return { status: up ? 'ok' : 'unavailable', time: clock.now() }
  })

  app.get('/metrics', { preHandler: metricsGuard }, async (_request, reply) => {
    void reply.type(registry.contentType)
    return registry.metrics()
  })
}
