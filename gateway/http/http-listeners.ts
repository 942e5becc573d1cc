import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { Socket } from 'node:net'
import type { FastifyInstance } from 'fastify'
import type { GatedListener } from '../limits/connection-gate.ts'
import { type HttpConnectionWatch, httpServerTimeouts } from './http-connection-gate.ts'

export interface HttpListenPlan {
  host: string
  /** Plain HTTP port, or null with HTTP_PLAIN=off. */
  plainPort: number | null
  /** HTTPS (HTTPS_PORT) when a certificate is configured. */
  tls: { port: number; cert: Buffer; key: Buffer } | null
  /** Connection caps and timeouts (README "Connections and their timeouts"). */
  connections: HttpConnectionWatch
}

type Handler = (request: IncomingMessage, response: ServerResponse) => void

interface Served {
  kind: 'http' | 'https'
  server: Server
  port: number
}

/**
 * Fastify serves one server. To answer on HTTPS and plain HTTP at once, fastify's server is the
 * HTTPS one and a second, plain server shares the request handler fastify gives its serverFactory:
 * one app, one set of routes and hooks, two listeners. Neither server listens itself: a gate
 * listens for each, counts every TCP connection against the connection caps when it is accepted,
 * and hands the admitted ones to its server.
 */
export class HttpListeners {
  private readonly served: Served[] = []
  private readonly gates: GatedListener[] = []

  constructor(private readonly plan: HttpListenPlan) {}

  /** Pass as fastify's `serverFactory`, with `clientErrorHandler` for its server's malformed requests. */
  readonly serverFactory = (handler: Handler): Server => {
    const { tls, plainPort } = this.plan
    const timeouts = httpServerTimeouts(this.plan.connections.timeouts)
    if (tls) {
      const https = createHttpsServer(
        { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2', ...timeouts },
        handler,
      ) as unknown as Server
      this.serve('https', https, tls.port, true)
    }
    if (plainPort !== null) this.serve('http', createServer(timeouts, handler), plainPort, !tls)
    // fastify's server: the HTTPS one when there is one.
    return this.served[0]!.server
  }

  readonly clientErrorHandler = (err: Error, socket: Socket): void =>
    this.plan.connections.clientError(err, socket)

  async listen(app: FastifyInstance): Promise<{ httpPort: number | null; httpsPort: number | null }> {
    await app.ready()
    const ports: { httpPort: number | null; httpsPort: number | null } = { httpPort: null, httpsPort: null }
    for (const { kind, server, port } of this.served) {
      const gate = this.plan.connections.gate(kind, server)
      this.gates.push(gate)
      const bound = await gate.listen(port, this.plan.host)
      // Node starts checking the header and request timeouts of a server on its 'listening' event;
      // the gate listens in its place. A Node upgrade that changes this fails the 408 tests of
      // tests/security/http-connections.test.ts.
      server.emit('listening')
      if (kind === 'https') ports.httpsPort = bound
      else ports.httpPort = bound
    }
    return ports
  }

  /** Stops the gates and closes every connection; fastify has none of its own to close. */
  async close(): Promise<void> {
    const gates = this.gates.splice(0)
    for (const { server } of this.served) {
      server.closeAllConnections()
      server.close()
    }
    await Promise.all(gates.map((gate) => gate.close()))
  }

  private serve(kind: Served['kind'], server: Server, port: number, fastifyOwnsErrors: boolean): void {
    this.plan.connections.watch(server, !fastifyOwnsErrors)
    this.served.push({ kind, server, port })
  }
}
