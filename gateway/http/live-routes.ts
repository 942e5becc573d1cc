import type { FastifyInstance } from 'fastify'
import { frameEvent, type LiveStream } from '../live-stream.ts'
import { principalOf } from './auth.ts'

interface LiveOptions {
  stream: LiveStream
}

/** A comment line now and then keeps proxies and the client's stall detection from closing the stream. */
const KEEPALIVE_MS = 15_000
/** A client that reads slower than the wall changes is cut off; it resumes with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 1024 * 1024

/**
 * GET /api/v1/live: Server-Sent Events (CONTRACT.md "live stream"). Authenticated by the bearer
 * header like every /api route (the wall reads it with fetch(), not EventSource, so that the token
 * never goes into a URL); resumable with the `Last-Event-ID` header.
 */
export async function liveRoutes(app: FastifyInstance, { stream }: LiveOptions): Promise<void> {
  const open = new Set<() => void>()
  app.addHook('preClose', async () => {
    for (const end of open) end()
  })

  app.get('/live', async (request, reply) => {
    const principal = principalOf(request)
    const lastEventId = parseLastEventId(request.headers['last-event-id'])
    reply.hijack()
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
    let unsubscribe = (): void => {}
    let ended = false
    const end = (): void => {
      if (ended) return
      ended = true
      unsubscribe()
      clearInterval(keepalive)
      open.delete(end)
      res.end()
    }
    const keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS)
    open.add(end)
    res.on('close', end)
    // A client that goes away only half-closes (FIN); the server, which never reads from an SSE
    // request, would notice at the next keepalive write at the earliest.
    res.socket?.once('end', end)
    unsubscribe = stream.subscribe(
      {
        scope: principal.buildings,
        send: (event) => {
          if (res.writableLength > MAX_BUFFERED_BYTES) end()
          else res.write(frameEvent(event))
        },
      },
      lastEventId,
    )
  })
}

function parseLastEventId(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header
  if (value === undefined || !/^\d{1,16}$/.test(value.trim())) return null
  return Number(value.trim())
}
