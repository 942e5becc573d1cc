import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** One request a dead-man monitor received. */
export interface Beat {
  method: string
  url: string
  contentType: string | undefined
  body: string
}

/**
 * A dead-man monitor as healthchecks.io or an Uptime Kuma push URL behaves: it records each hit
 * and answers 200 "OK". On a chosen loopback port, so that a test can take it down and bring it
 * back where the gateway already points.
 */
export class MonitorPeer {
  readonly beats: Beat[] = []
  private server: Server | null = null
  /** When set, requests are read and never answered (a hung monitor). */
  hang = false

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`
  }

  async start(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res))
    await new Promise<void>((resolve) => server.listen(this.port, '127.0.0.1', resolve))
    this.server = server
  }

  async stop(): Promise<void> {
    const server = this.server
    this.server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      this.beats.push({
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        body: Buffer.concat(chunks).toString(),
      })
      if (this.hang) return
      res.writeHead(200, { 'content-type': 'text/plain' })
      res.end('OK')
    })
  }
}
