import type { FastifyInstance } from 'fastify'
import { principalOf } from './auth.ts'
import { HttpError, notFound } from './http-errors.ts'

/** What the routes need of the self-watch (gateway/self-watch/self-watch.ts). */
export interface SelfWatchService {
  report(): object
  /** A self-test now (or the one under way); null while the self-test is off. */
  runNow(): Promise<object> | null
}

/**
 * The last self-test through the alarm path and the heartbeat so far (docs/self-watch.md). Any
 * API token may read it: it names no building and no device, only whether the gateway works. An
 * admin may run one at once, e.g. after maintenance, instead of waiting for the next.
 */
export async function selfTestRoutes(
  app: FastifyInstance,
  { selfWatch }: { selfWatch: SelfWatchService },
): Promise<void> {
  app.get('/self-test', async () => selfWatch.report())
  app.post('/self-test', async (request) => {
    if (principalOf(request).role !== 'admin') throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
    const run = selfWatch.runNow()
    if (run === null) throw notFound()
    return { result: await run }
  })
}
