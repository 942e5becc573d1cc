import { type Server, STATUS_CODES } from 'node:http'
import type { Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { ErrorCodes } from '../../ingest/error-codes.ts'
import type { CapVerdict } from '../limits/connection-counter.ts'
import { GatedListener } from '../limits/connection-gate.ts'
import type { ConnectionLimits, ConnectionTimeouts } from '../limits/connection-limits.ts'
import type { LimitReporter } from '../limits/limit-reporter.ts'

/** How often Node checks the header and request timeouts: they end within a second of their deadline. */
const TIMEOUT_CHECK_MS = 1_000
/** A refused connection's answer is given this long to leave before the socket is closed. */
const REFUSAL_LINGER_MS = 1_000
/** At most this many refused connections linger for their answer; beyond, they are closed at once. */
const MAX_LINGERING = 32
/** Retry-After of a refused connection: long enough for idle connections to time out meanwhile. */
const REFUSAL_RETRY_SEC = 5

/** Options of the http/https servers for HTTP_HEADERS_TIMEOUT_MS, HTTP_REQUEST_TIMEOUT_MS, HTTP_KEEP_ALIVE_TIMEOUT_MS. */
export function httpServerTimeouts(t: ConnectionTimeouts) {
  return {
    headersTimeout: t.httpHeadersMs,
    requestTimeout: t.httpRequestMs,
    keepAliveTimeout: t.httpKeepAliveMs,
    connectionsCheckingInterval: TIMEOUT_CHECK_MS,
    handshakeTimeout: t.tlsHandshakeMs,
  }
}

/**
 * The connection side of the HTTP listeners (README "Connections and their timeouts"): the caps
 * applied when a TCP connection is accepted, the idle timeout, and what the timeouts and malformed
 * requests are answered.
 */
export class HttpConnectionWatch {
  private lingering = 0
  /** Connections that have had a request: true while one is being answered. */
  private readonly busy = new WeakMap<Socket, boolean>()

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly reporter: LimitReporter,
  ) {}

  get timeouts(): ConnectionTimeouts {
    return this.limits.timeouts
  }

  /**
   * The idle timeout and the counting of timeouts on one server. `answerClientErrors`: for the
   * server fastify does not own (fastify is given `clientError` as its clientErrorHandler).
   */
  watch(server: Server, answerClientErrors: boolean): void {
    server.timeout = this.limits.timeouts.httpIdleMs
    server.on('request', (request, response) => {
      this.busy.set(request.socket, true)
      response.once('close', () => this.busy.set(request.socket, false))
    })
    // With a listener, Node leaves the socket to it: close it here.
    server.on('timeout', (socket: Socket) => {
      if (this.busy.get(socket) === false) this.reporter.count('http_keep_alive_timeout')
      else this.reporter.hit('http_idle_timeout', socket.remoteAddress ?? 'unknown')
      socket.destroy()
    })
    server.on('tlsClientError', (err: Error & { code?: string }, socket: TLSSocket) => {
      if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
        this.reporter.hit('tls_handshake_timeout', socket.remoteAddress ?? 'unknown')
      }
      socket.destroy()
    })
    if (answerClientErrors) server.on('clientError', this.clientError)
  }

  /** A listener that counts HTTP(S) connections at accept and hands the admitted ones to `server`. */
  gate(kind: 'http' | 'https', server: Server): GatedListener {
    const listener = new GatedListener({
      counter: this.limits.http,
      // As node:http's own listener: no Nagle delay on answers and live frames; half-closed requests are seen.
      server: { noDelay: true, allowHalfOpen: true },
      admitted: (socket) => server.emit('connection', socket),
      refused: (socket, verdict, address) => {
        this.reporter.hit(
          verdict === 'address' ? 'http_connections_address' : 'http_connections_total',
          address,
        )
        // Over TLS nothing can be said before a handshake this connection is not worth.
        if (kind === 'https') socket.destroy()
        else this.answerRefusal(socket, verdict)
      },
    })
    this.limits.track(kind, listener)
    return listener
  }

  /**
   * Header and request timeouts (408), oversized headers (431) and malformed requests (400), as
   * fastify's default handler answers them, plus the count of timeouts.
   */
  readonly clientError = (err: Error & { code?: string }, socket: Socket): void => {
    const timedOut = err.code === 'ERR_HTTP_REQUEST_TIMEOUT'
    if (timedOut) this.reporter.hit('http_request_timeout', socket.remoteAddress ?? 'unknown')
    if (err.code === 'ECONNRESET' || socket.destroyed) return
    const status = timedOut ? 408 : err.code === 'HPE_HEADER_OVERFLOW' ? 431 : 400
    // Node's own handler says nothing once a response has begun: a status line now would corrupt it.
    const response = (socket as { _httpMessage?: { headersSent?: boolean } | null })._httpMessage
    if (socket.writable && !response?.headersSent) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`,
      )
    }
    socket.destroy()
  }

  /**
   * 429 (this address has too many connections) or 503 (the gateway has), written before the request
   * is read: the client may still be sending it, so the socket reads and drops it for a moment and
   * then closes, rather than resetting the connection under the answer.
   */
  private answerRefusal(socket: Socket, verdict: CapVerdict): void {
    if (this.lingering >= MAX_LINGERING) {
      socket.destroy()
      return
    }
    this.lingering++
    const status = verdict === 'address' ? 429 : 503
    const body = JSON.stringify({
      error: 'FGW_ERR_LIMIT_CONNECTIONS',
      message: ErrorCodes.FGW_ERR_LIMIT_CONNECTIONS,
    })
    socket.end(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nRetry-After: ${REFUSAL_RETRY_SEC}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    )
    socket.resume()
    const timer = setTimeout(() => socket.destroy(), REFUSAL_LINGER_MS)
    socket.once('close', () => {
      clearTimeout(timer)
      this.lingering--
    })
  }
}
