import type { FastifyInstance } from 'fastify'

/**
 * Lets a scope accept what the one-tap pages' forms post (application/x-www-form-urlencoded, small):
 * the acknowledgement and the patrol-check pages. Only the scopes that call it accept form bodies.
 */
export function acceptFormBodies(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 4096 },
    (_request, body, done) => done(null, Object.fromEntries(new URLSearchParams(String(body)))),
  )
}
