import type { Logger } from 'pino'

/** The limits a client can hit; the `limit` label of firewatch_limit_hits_total. */
export type LimitName =
  | 'mqtt_packet_size'
  | 'mqtt_topic'
  | 'mqtt_publish_rate_client'
  | 'mqtt_publish_rate_address'
  | 'mqtt_connect_rate_client'
  | 'mqtt_connect_rate_address'
  | 'mqtt_login_lockout'
  | 'mqtt_duplicate_login'
  | 'mqtt_client_id_namespace'
  | 'mqtt_client_id_taken'
  | 'mqtt_inflight_inbound'
  | 'mqtt_subscriptions'
  | 'mqtt_token_connections'
  | 'mqtt_persistent_sessions'
  | 'mqtt_session_evicted'
  | 'mqtt_session_expired'
  | 'mqtt_session_queue'
  | 'mqtt_event_rate'
  | 'mqtt_fire_alarm_repeat'
  | 'mqtt_status_rate'
  | 'http_body_size'
  | 'http_request_rate'
  | 'http_login_backoff'
  | 'http_login_lockout'
  | 'http_connections_address'
  | 'http_connections_total'
  | 'http_request_timeout'
  | 'http_idle_timeout'
  | 'http_keep_alive_timeout'
  | 'tls_handshake_timeout'
  | 'mqtt_connections_address'
  | 'mqtt_connections_total'
  | 'mqtt_pending_logins_address'
  | 'mqtt_pending_logins_total'
  | 'mqtt_connect_timeout'
  | 'live_streams_address'
  | 'live_streams_total'
  | 'live_stream_stalled'

const QUIET_MS = 60_000
const MAX_KEYS = 10_000

/**
 * Every hit is counted; the log gets one line per limit and offender, then silence for a minute
 * while it keeps hitting, so that an offender that floods is one line a minute, not one per
 * message, and the log stays readable during an attack (docs/architecture.md, "Errors stop at
 * boundaries": logged once).
 */
export class LimitReporter {
  private readonly lastLogged = new Map<string, number>()

  constructor(
    private readonly deps: {
      count: (limit: LimitName) => void
      log: Logger
      clock: { now(): number }
    },
  ) {}

  /** Counted, never logged: for what happens all the time in normal use (a keep-alive connection expiring). */
  count(limit: LimitName): void {
    this.deps.count(limit)
  }

  hit(limit: LimitName, client: string, detail: Record<string, unknown> = {}): void {
    this.deps.count(limit)
    // Client ids and usernames come from the wire: bounded, so a long one cannot bloat the log.
    const who = client.length > 64 ? `${client.slice(0, 64)}…` : client
    const key = `${limit}\u0000${who}`
    const now = this.deps.clock.now()
    const last = this.lastLogged.get(key)
    if (last !== undefined && now - last < QUIET_MS) return
    if (this.lastLogged.size >= MAX_KEYS) this.lastLogged.clear()
    this.lastLogged.delete(key)
    this.lastLogged.set(key, now)
    // `who` is an address or a client id, never a secret; detail is built by the gateway itself.
    this.deps.log.warn({ limit, who, ...detail }, 'limit hit (logged once a minute per client)')
  }
}
