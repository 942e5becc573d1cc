import type { Client } from 'aedes'
import type { Principal } from '../../../ingest/site/site-model.ts'

interface Session {
  /** loginKey() of the login that opened it: nobody else may resume it (client-id-rule.ts). */
  login: string
  principal: Principal
  /** Its connection; null while parked. */
  client: Client | null
}

export interface PersistentSessionOptions {
  maxSessions: number
  maxPerLogin: number
  expiryMs: number
  clock: { now(): number }
  /** Ends what aedes and the session store keep for the client id (subscriptions, queue, QoS 2 ids). */
  wipe(clientId: string): Promise<void>
  onEnded(clientId: string, reason: 'evicted' | 'expired'): void
}

/**
 * The persistent (clean=false) sessions: who owns each, which are parked (client gone), and their
 * bounds: MQTT_MAX_PERSISTENT_SESSIONS in all and MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN per
 * login, a parked one ending after MQTT_SESSION_EXPIRY_SEC. Room for a new session is made by
 * ending the oldest parked session of the same login first, so one login filling its share
 * cannot push out another's; only when the whole gateway is full does the oldest parked one of
 * anybody go. Sessions whose clients are all connected are never ended: the login is refused.
 */
export class PersistentSessions {
  private readonly sessions = new Map<string, Session>()
  /** Parked sessions, oldest parked first, with the time each was parked. */
  private readonly parked = new Map<string, number>()
  private readonly perLogin = new Map<string, number>()
  private readonly wiping = new Map<string, Promise<void>>()

  constructor(private readonly opts: PersistentSessionOptions) {}

  ownerOf(clientId: string): string | undefined {
    this.expire()
    return this.sessions.get(clientId)?.login
  }

  principalOf(clientId: string): Principal | undefined {
    return this.sessions.get(clientId)?.principal
  }

  /**
   * At login, once the client id is known to be this login's to use. A clean login ends the
   * id's session (MQTT discards it); a persistent one resumes or opens one. False: no room.
   */
  async admit(client: Client, login: string, principal: Principal): Promise<boolean> {
    this.expire()
    const id = client.id
    const existing = this.sessions.get(id)
    if (client.clean) {
      if (existing) this.end(id, null)
    } else if (existing) {
      existing.client = client
      this.parked.delete(id)
      this.parkWhenClosed(client)
    } else {
      if (!this.makeRoom(login)) return false
      this.sessions.set(id, { login, principal, client })
      this.perLogin.set(login, (this.perLogin.get(login) ?? 0) + 1)
      this.parkWhenClosed(client)
    }
    // aedes reads the id's stored subscriptions next: an ended session's must be gone by then.
    await this.wiping.get(id)
    return true
  }

  /** Ends parked sessions past their expiry; run on every login and by a timer. */
  expire(): void {
    const oldest = this.opts.clock.now() - this.opts.expiryMs
    for (const [id, parkedAt] of this.parked) {
      if (parkedAt > oldest) break
      this.end(id, 'expired')
    }
  }

  get connectedCount(): number {
    return this.sessions.size - this.parked.size
  }

  get parkedCount(): number {
    return this.parked.size
  }

  private makeRoom(login: string): boolean {
    if ((this.perLogin.get(login) ?? 0) >= this.opts.maxPerLogin) {
      const own = this.oldestParked((s) => s.login === login)
      if (own === undefined) return false
      this.end(own, 'evicted')
    }
    if (this.sessions.size >= this.opts.maxSessions) {
      const any = this.oldestParked(() => true)
      if (any === undefined) return false
      this.end(any, 'evicted')
    }
    return true
  }

  private oldestParked(match: (s: Session) => boolean): string | undefined {
    for (const id of this.parked.keys()) {
      const session = this.sessions.get(id)
      if (session && match(session)) return id
    }
    return undefined
  }

  private end(id: string, reason: 'evicted' | 'expired' | null): void {
    const session = this.sessions.get(id)
    if (!session) return
    this.sessions.delete(id)
    this.parked.delete(id)
    const left = (this.perLogin.get(session.login) ?? 1) - 1
    if (left > 0) this.perLogin.set(session.login, left)
    else this.perLogin.delete(session.login)
    if (reason) this.opts.onEnded(id, reason)
    // A failed wipe is the wiper's to report; nothing waiting for it may fail because of it.
    const wiped: Promise<void> = this.opts
      .wipe(id)
      .catch(() => {})
      .finally(() => {
        if (this.wiping.get(id) === wiped) this.wiping.delete(id)
      })
    this.wiping.set(id, wiped)
  }

  /** The socket's close, not aedes' clientDisconnect: it also comes for a login that never finished. */
  private parkWhenClosed(client: Client): void {
    const park = () => {
      const session = this.sessions.get(client.id)
      if (session?.client !== client) return
      session.client = null
      this.parked.delete(client.id)
      this.parked.set(client.id, this.opts.clock.now())
    }
    // Closed while its login was checked: no 'close' is coming any more.
    if (client.closed) park()
    else client.conn.once('close', park)
  }
}
