// A real HTTP(S) server on 127.0.0.1 and a free port, for the local protocol peers of the paid
// notification APIs. Bodies are read whole (bounded), connections are cut on close.
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

const MAX_BODY_BYTES = 1024 * 1024

export interface PeerRequest {
  method: string
  /** Path and query exactly as received. */
  url: string
  headers: IncomingMessage['headers']
  body: Buffer
}

export type PeerHandler = (request: PeerRequest, response: ServerResponse) => unknown

export interface HttpPeer {
  port: number
  /** http://127.0.0.1:port or https://127.0.0.1:port */
  origin: string
  close(): Promise<void>
}

export async function startHttpPeer(
  handler: PeerHandler,
  tls?: { key: string; cert: string },
): Promise<HttpPeer> {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    readBody(req)
      .then(async (body) =>
        handler({ method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body }, res),
      )
      .catch((error: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' })
        res.end(`peer failure: ${(error as Error).message}`)
      })
  }
  const server: Server = tls ? createHttpsServer(tls, listener) : createHttpServer(listener)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    port,
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) req.destroy(new Error('body too large'))
      else chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks)))
    req.on('error', reject)
  })
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers })
  res.end(JSON.stringify(body))
}
