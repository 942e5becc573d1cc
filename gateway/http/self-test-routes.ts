import type { FastifyInstance } from 'fastify'

/** What the route needs of the self-watch (gateway/self-watch/self-watch.ts). */
export interface SelfWatchService {
  report(): object
}

/**
 * The last self-test through the alarm path and the heartbeat so far (docs/self-watch.md). Any
 * API token may read it: it names no building and no device, only whether the gateway works.
 */
export async function selfTestRoutes(
  app: FastifyInstance,
  { selfWatch }: { selfWatch: SelfWatchService },
): Promise<void> {
  app.get('/self-test', async () => selfWatch.report())
}
