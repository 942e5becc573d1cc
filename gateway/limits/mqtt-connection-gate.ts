import type { Socket } from 'node:net'
import { createServer as createTlsServer, type TLSSocket, type TlsOptions } from 'node:tls'
import type { Aedes, Client } from 'aedes'
import type { CapVerdict } from './connection-counter.ts'
import { GatedListener, type ListenerKind } from './connection-gate.ts'
import type { ConnectionLimits } from './connection-limits.ts'
import type { LimitName, LimitReporter } from './limit-reporter.ts'

/** aedes 1.2's words when a connection sent no CONNECT within connectTimeout (lib/client.js). */
const CONNECT_TIMEOUT_MESSAGE = 'connect did not arrive in time'

/** A connection that has not logged in yet; released once, at login or at close. */
interface PendingLogin {
  socket: Socket
  address: string
  released: boolean
}

const REFUSED: Record<'connections' | 'pending', Record<CapVerdict, LimitName>> = {
  connections: { address: 'mqtt_connections_address', total: 'mqtt_connections_total' },
  pending: { address: 'mqtt_pending_logins_address', total: 'mqtt_pending_logins_total' },
}

/**
 * The MQTT listeners' connection caps (README "Connections and their timeouts"), applied when a TCP
 * connection is accepted, before any MQTT parse: a connection over a cap is closed at once (MQTT
 * has no way to say why before CONNECT) and counted. Until it logs in, a connection also counts against the
 * pending-login caps, so that sockets which never log in can hold at most those, and the rest of
 * MQTT_MAX_CONNECTIONS stays for clients with credentials. When MQTT_MAX_PENDING_LOGINS is full,
 * the connection that has waited longest for its login is closed to make room: silent sockets from
 * many addresses then live only as long as it takes to open as many new ones, while a device's
 * CONNECT, answered within milliseconds, still gets through.
 */
export class MqttConnectionGate {
  private readonly listeners: GatedListener[] = []
  /** What each connection aedes handles (the TCP socket, or the TLS socket over it) is waiting for. */
  private readonly pending = new WeakMap<object, PendingLogin>()
  /** TLS sockets are made from the admitted TCP sockets: matched by their peer and local port. */
  private readonly byPeer = new Map<string, PendingLogin>()
  /** Connections waiting for their login, oldest first. */
  private readonly waiting = new Set<PendingLogin>()

  constructor(
    private readonly limits: ConnectionLimits,
    private readonly reporter: LimitReporter,
  ) {}

  /** Plain MQTT: admitted sockets go straight to `accept` (aedes). */
  plain(accept: (socket: Socket) => void): GatedListener {
    return this.gated('mqtt', (socket) => accept(socket))
  }

  /** MQTT over TLS: admitted sockets get TLS_HANDSHAKE_TIMEOUT_MS for their handshake, then `accept`. */
  tls(options: TlsOptions, accept: (socket: TLSSocket) => void): GatedListener {
    const server = createTlsServer(
      { ...options, handshakeTimeout: this.limits.timeouts.tlsHandshakeMs },
      (tls) => {
        const login = this.byPeer.get(peerKey(tls))
        if (login) this.pending.set(tls, login)
        accept(tls)
      },
    )
    // With a listener here Node leaves the socket open: close it, whatever the error.
    server.on('tlsClientError', (err: Error & { code?: string }, tls: TLSSocket) => {
      if (err.code === 'ERR_TLS_HANDSHAKE_TIMEOUT') {
        this.reporter.hit('tls_handshake_timeout', tls.remoteAddress ?? 'unknown')
      }
      tls.destroy()
    })
    return this.gated('mqtts', (socket) => server.emit('connection', socket))
  }

  /** Logins end the pending state; connections closed for sending no CONNECT in time are counted. */
  watch(aedes: Aedes): void {
    aedes.on('client', (client: Client) => {
      const login = this.pending.get(client.conn)
      if (login) this.release(login)
    })
    aedes.on('connectionError', (client: Client, err: Error) => {
      if (err.message !== CONNECT_TIMEOUT_MESSAGE) return
      this.reporter.hit('mqtt_connect_timeout', this.pending.get(client.conn)?.address ?? 'unknown')
    })
  }

  /** Closes every listener and whatever is still open on it (mid-handshake, not yet logged in). */
  async close(): Promise<void> {
    await Promise.all(this.listeners.map((l) => l.close()))
  }

  private gated(kind: ListenerKind, handOn: (socket: Socket) => void): GatedListener {
    const listener = new GatedListener({
      counter: this.limits.mqtt,
      admitted: (socket, address) => {
        let verdict = this.limits.pendingLogins.tryOpen(address)
        if (verdict === 'total' && this.evictOldest()) verdict = this.limits.pendingLogins.tryOpen(address)
        if (verdict !== null) {
          this.reporter.hit(REFUSED.pending[verdict], address)
          socket.destroy()
          return
        }
        this.startPending(socket, address)
        handOn(socket)
      },
      refused: (socket, verdict, address) => {
        this.reporter.hit(REFUSED.connections[verdict], address)
        socket.destroy()
      },
    })
    this.limits.track(kind, listener)
    this.listeners.push(listener)
    return listener
  }

  private startPending(socket: Socket, address: string): void {
    const login: PendingLogin = { socket, address, released: false }
    const key = peerKey(socket)
    this.pending.set(socket, login)
    this.byPeer.set(key, login)
    this.waiting.add(login)
    socket.once('close', () => {
      this.byPeer.delete(key)
      this.release(login)
    })
  }

  private release(login: PendingLogin): void {
    if (login.released) return
    login.released = true
    this.waiting.delete(login)
    this.limits.pendingLogins.close(login.address)
  }

  /** Closes the connection that has waited longest for its login; false when there is none. */
  private evictOldest(): boolean {
    const oldest = this.waiting.values().next().value
    if (!oldest) return false
    this.reporter.hit('mqtt_pending_logins_total', oldest.address, { closed: 'longest waiting' })
    this.release(oldest)
    oldest.socket.destroy()
    return true
  }
}

function peerKey(socket: Socket): string {
  return `${socket.localPort}|${socket.remoteAddress}|${socket.remotePort}`
}
