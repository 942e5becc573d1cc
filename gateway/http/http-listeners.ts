import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { FastifyInstance } from 'fastify'

export interface HttpListenPlan {
  host: string
  /** Plain HTTP port, or null with HTTP_PLAIN=off. */
  plainPort: number | null
  /** HTTPS (HTTPS_PORT) when a certificate is configured. */
  tls: { port: number; cert: Buffer; key: Buffer } | null
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

/**
 * Fastify serves one server. To answer on HTTPS and plain HTTP at once, fastify's server is the
 * HTTPS one and a second, plain server shares the request handler fastify gives its serverFactory:
 * one app, one set of routes and hooks, two listeners.
 */
export class HttpListeners {
  private handler: Handler | null = null
  private plain: Server | null = null

  constructor(private readonly plan: HttpListenPlan) {}

  /** Pass as fastify's `serverFactory`. */
  readonly serverFactory = (handler: Handler): Server => {
    this.handler = handler
    const tls = this.plan.tls
    if (!tls) return createServer(handler)
    return createHttpsServer(
      { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
      handler,
    ) as unknown as Server
  }

  async listen(app: FastifyInstance): Promise<{ httpPort: number | null; httpsPort: number | null }> {
    const { host, plainPort, tls } = this.plan
    if (!tls) {
      await app.listen({ port: plainPort ?? 0, host })
      return { httpPort: portOf(app.server), httpsPort: null }
    }
    await app.listen({ port: tls.port, host })
    const httpsPort = portOf(app.server)
    if (plainPort === null || !this.handler) return { httpPort: null, httpsPort }
    this.plain = createServer(this.handler)
    this.plain.listen(plainPort, host)
    await once(this.plain, 'listening')
    return { httpPort: portOf(this.plain), httpsPort }
  }

  /** Closes the second, plain server; fastify closes its own. */
  async close(): Promise<void> {
    const plain = this.plain
    if (!plain) return
    this.plain = null
    plain.closeAllConnections()
    await new Promise<void>((resolve) => plain.close(() => resolve()))
  }
}

function portOf(server: Server): number {
  const address = server.address()
  return typeof address === 'object' && address ? address.port : 0
}
