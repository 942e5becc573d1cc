import { once } from 'node:events'
import { createServer, type Server, type ServerOpts, type Socket } from 'node:net'
import type { CapVerdict, ConnectionCounter } from './connection-counter.ts'

/** The listeners whose open connections are counted (firewatch_connections_open{listener}). */
export type ListenerKind = 'mqtt' | 'mqtts' | 'http' | 'https'

export interface GateOptions {
  counter: ConnectionCounter
  /** Options of the listening server; the sockets it accepts keep them (noDelay, allowHalfOpen). */
  server?: ServerOpts
  /** A counted socket, to be served (aedes, or the HTTP/TLS server it is handed to). */
  admitted(socket: Socket, address: string): void
  /** A socket over a cap, counted nowhere: close it, at once or after a short answer. */
  refused(socket: Socket, verdict: CapVerdict, address: string): void
}

/**
 * A TCP listener that counts every connection when it is accepted, before a byte of it is read, and
 * refuses it beyond the caps of its counter. What it admits is handed on; the count ends when the
 * socket closes, whoever closes it.
 */
export class GatedListener {
  readonly server: Server
  private readonly sockets = new Set<Socket>()

  constructor(private readonly options: GateOptions) {
    this.server = createServer(options.server ?? {}, (socket) => this.accept(socket))
  }

  /** Connections open on this listener now. */
  get open(): number {
    return this.sockets.size
  }

  async listen(port: number, host: string): Promise<number> {
    this.server.listen(port, host)
    await once(this.server, 'listening')
    const address = this.server.address()
    return typeof address === 'object' && address ? address.port : port
  }

  /** Stops accepting and closes what is still open (idle, mid-handshake, or not yet logged in). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }

  private accept(socket: Socket): void {
    const address = socket.remoteAddress
    if (address === undefined) {
      socket.destroy()
      return
    }
    const verdict = this.options.counter.tryOpen(address)
    if (verdict !== null) {
      // A refused socket may be reset by its peer while it is being answered; no error of ours.
      socket.on('error', () => {})
      this.options.refused(socket, verdict, address)
      return
    }
    this.sockets.add(socket)
    socket.once('close', () => {
      this.sockets.delete(socket)
      this.options.counter.close(address)
    })
    this.options.admitted(socket, address)
  }
}
