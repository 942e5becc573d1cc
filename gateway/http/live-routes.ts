import type { ServerResponse } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ConnectionCounter } from '../limits/connection-counter.ts'
import type { LimitReporter } from '../limits/limit-reporter.ts'
import { frameEvent, type LiveStream } from '../live/live-stream.ts'
import { principalOf } from './auth.ts'
import { HttpError, retryLater } from './http-errors.ts'

/** The live streams' own caps and heartbeat (LIVE_MAX_STREAMS, LIVE_MAX_STREAMS_PER_ADDRESS, LIVE_HEARTBEAT_SEC). */
export interface LiveLimits {
  streams: ConnectionCounter
  heartbeatMs: number
  reporter: LimitReporter
}

interface LiveOptions {
  stream: LiveStream
  /** Absent (tests of the app alone): no caps, a heartbeat every 15 s. */
  limits?: LiveLimits
}

/** A comment line now and then keeps proxies and the client's stall detection from closing the stream. */
const DEFAULT_HEARTBEAT_MS = 15_000
/** A client that reads slower than the wall changes is cut off; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024
/** Retry-After of a stream refused by a cap: the wall retries every second anyway. */
const REFUSED_RETRY_MS = 5_000

/**
 * GET /api/v1/live: Server-Sent Events (docs/protocol.md, "The live stream"). Authenticated by the bearer
 * header like every /api route (the wall reads it with fetch(), not EventSource, so that the token
 * never goes into a URL); resumable with the `Last-Event-ID` header.
 */
export async function liveRoutes(app: FastifyInstance, { stream, limits }: LiveOptions): Promise<void> {
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of open) end()
  })

  app.get('/live', async (request, reply) => {
    const principal = principalOf(request)
    const lastEventId = parseLastEventId(request.headers['last-event-id'])
    if (limits) admit(limits, request.ip)
    reply.hijack()
    // A stream is long-lived by design: HTTP_IDLE_TIMEOUT_MS is for plain requests; the heartbeat
    // is the stream's own idle policy.
    request.raw.socket.setTimeout(0)
    const res = reply.raw
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      'x-accel-buffering': 'no',
      // The stream is the connection's last response: ending it (shutdown, slow client) closes the
      // socket, so that server.close() does not wait for a keep-alive connection.
      connection: 'close',
      'x-request-id': request.id,
    })
    // Ask the browser to reconnect quickly after a dropped connection.
    res.write('retry: 1000\n\n')
    const live = new LiveConnection(res, request.ip, limits, () => open.delete(end))
    const end = () => live.end()
    open.add(end)
    live.unsubscribe = stream.subscribe(
      { scope: principal.buildings, send: (event) => live.send(frameEvent(event)) },
      lastEventId,
    )
  })
}

/**
 * One open stream: its heartbeat, and its end, whoever ends it (the client, a shutdown, a client
 * too slow to keep up). The heartbeat keeps bytes in flight, so that TCP notices a client that
 * vanished without closing (retransmission timeout, about 15 minutes on Linux). A client that
 * stays connected but stops reading is cut once the kernel's socket buffers (several MB) are full:
 * when a heartbeat finds that the socket took nothing since the previous one while some waits, or
 * when 1 MiB waits. It would resume with Last-Event-ID.
 */
class LiveConnection {
  unsubscribe = (): void => {}
  private ended = false
  private flushed = 0
  private flushedAtLastBeat = 0
  private readonly heartbeat: NodeJS.Timeout

  constructor(
    private readonly res: ServerResponse,
    private readonly address: string,
    private readonly limits: LiveLimits | undefined,
    private readonly onEnd: () => void,
  ) {
    this.heartbeat = setInterval(() => this.beat(), limits?.heartbeatMs ?? DEFAULT_HEARTBEAT_MS)
    res.on('close', () => this.end())
    // A client that goes away only half-closes (FIN); the server, which never reads from an SSE
    // request, would notice at the next heartbeat at the earliest.
    res.socket?.once('end', () => this.end())
  }

  send(frame: string): void {
    if (this.res.writableLength <= MAX_BUFFERED_BYTES) this.write(frame)
    else this.cut()
  }

  /** `cut`: the client is not reading; what waits for it would never leave, so the socket is closed at once. */
  end(cut = false): void {
    if (this.ended) return
    this.ended = true
    this.unsubscribe()
    clearInterval(this.heartbeat)
    this.onEnd()
    this.limits?.streams.close(this.address)
    if (cut) this.res.destroy()
    else this.res.end()
  }

  /** The client is not keeping up: counted, and the stream ends at once. */
  private cut(): void {
    this.limits?.reporter.hit('live_stream_stalled', this.address)
    this.end(true)
  }

  private write(chunk: string): void {
    this.res.write(chunk, () => this.flushed++)
  }

  private beat(): void {
    if (this.res.writableLength > 0 && this.flushed === this.flushedAtLastBeat) {
      this.cut()
      return
    }
    this.flushedAtLastBeat = this.flushed
    this.write(': keepalive\n\n')
  }
}

/** Counts the stream, or refuses it: 429 when its address has too many, 503 when the gateway has. */
function admit(limits: LiveLimits, address: FastifyRequest['ip']): void {
  const verdict = limits.streams.tryOpen(address)
  if (verdict === null) return
  limits.reporter.hit(verdict === 'address' ? 'live_streams_address' : 'live_streams_total', address)
  if (verdict === 'address') throw retryLater('FGW_ERR_LIMIT_CONNECTIONS', REFUSED_RETRY_MS)
  const error = new HttpError('FGW_ERR_LIMIT_CONNECTIONS', 503)
  error.retryAfterSec = REFUSED_RETRY_MS / 1000
  throw error
}

function parseLastEventId(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return null
  return Number(value.trim())
}
