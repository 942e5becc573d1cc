import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

interface HealthOptions {
  registry: Registry
  ready: () => boolean
  clock: { now(): number }
}

/** Unauthenticated: load balancers, orchestrators and Prometheus scrape these. */
export async function healthRoutes(
  app: FastifyInstance,
  { registry, ready, clock }: HealthOptions,
): Promise<void> {
  app.get('/healthz', async (_request, reply) => {
    const up = ready()
    // The gateway's own time (epoch ms) helps spot a skewed clock, which decides how device timestamps are read.
    void reply.code(up ? 200 : 503)
    return { status: up ? 'ok' : 'unavailable', time: clock.now() }
  })

  app.get('/metrics', async (_request, reply) => {
    void reply.type(registry.contentType)
    return registry.metrics()
  })
}
