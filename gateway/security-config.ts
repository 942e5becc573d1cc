import { isIP } from 'node:net'
import { z } from 'zod'
import { connectionProblems, openFileLimit } from './limits/fd-budget.ts'

const Port = z.coerce.number().int().min(0).max(65_535)
const OnOff = z.enum(['on', 'off'])
const Count = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
/** A comma-separated list; blanks around and between the commas are ignored. */
const CommaList = z
  .string()
  .default('')
  .transform((list) =>
    list
      .split(',')
      .map((o) => o.trim())
      .filter((o) => o !== ''),
  )

/** proxy-addr's names for address ranges, as fastify's trustProxy accepts them. */
const PROXY_RANGE_NAMES: ReadonlySet<string> = new Set(['loopback', 'linklocal', 'uniquelocal'])

/** An address, a CIDR block (10.0.0.0/8, fd00::/8), or one of proxy-addr's range names. */
function isProxyEntry(entry: string): boolean {
  if (PROXY_RANGE_NAMES.has(entry)) return true
  const [address = '', prefix, ...rest] = entry.split('/')
  const family = isIP(address)
  if (family === 0 || rest.length > 0) return false
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128))
}

/**
 * TLS and the hardening limits. Every variable is optional: with none set the gateway listens on
 * plain 1883/8080 (docs/protocol.md). README "Security" documents each one.
 */
export const SecurityEnv = z.object({
  /** PEM certificate chain and key of the gateway: both set = MQTT over TLS and HTTPS are on. */
  TLS_CERT_FILE: z.string().min(1).optional(),
  TLS_KEY_FILE: z.string().min(1).optional(),
  /** PEM CA that signs device certificates: set = devices may log in with a certificate (CN = id). */
  TLS_CA_FILE: z.string().min(1).optional(),
  /** `required`: a TLS client without a certificate from TLS_CA_FILE fails the handshake. */
  TLS_CLIENT_CERT: z.enum(['optional', 'required']).default('optional'),
  MQTT_TLS_PORT: Port.default(8883),
  HTTPS_PORT: Port.default(8443),
  /** `off` closes the plain listener (needs TLS). */
  MQTT_PLAIN: OnOff.default('on'),
  HTTP_PLAIN: OnOff.default('on'),

  /** Largest MQTT packet; a bigger one closes the connection before it is buffered. */
  MQTT_MAX_PACKET_BYTES: Count(1_024, 16_777_216).default(65_536),
  MQTT_MAX_TOPIC_LENGTH: Count(16, 65_535).default(256),
  MQTT_MAX_TOPIC_LEVELS: Count(2, 64).default(8),
  /** `takeover` (a new login of a device closes its old connection) or `refuse` (CONNACK 3). */
  MQTT_DUPLICATE_LOGIN: z.enum(['takeover', 'refuse']).default('takeover'),
  /**
   * CONNECTs per minute per source address, and per username (or client id) at one address. The
   * address default lets a few thousand devices behind one NAT reconnect after an outage.
   */
  MQTT_CONNECTS_PER_MIN_PER_ADDRESS: Count(1, 1_000_000).default(6_000),
  MQTT_CONNECTS_PER_MIN_PER_CLIENT: Count(1, 1_000_000).default(60),
  /**
   * PUBLISHes per second per connection, and summed over the connections of one source address.
   * A sensor sends one message every few seconds; the defaults only stop a runaway client from
   * taking the whole ingress budget (INGRESS_MAX_MESSAGES_PER_SEC); lower them for a site.
   */
  MQTT_PUBLISHES_PER_SEC_PER_CLIENT: Count(1, 1_000_000).default(500),
  MQTT_PUBLISHES_PER_SEC_PER_ADDRESS: Count(1, 1_000_000).default(50_000),
  /**
   * QoS 2 publishes awaiting PUBREL per connection (aedes maxInflightInbound) and per persistent
   * session; one more closes the connection. Only the message id is kept meanwhile, not the payload.
   */
  MQTT_MAX_INFLIGHT_INBOUND: Count(1, 65_535).default(100),
  /** Subscriptions one connection may hold; more are refused (SUBACK 0x80). */
  MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: Count(1, 10_000).default(100),
  /**
   * MQTT connections one API token may hold at once (alert subscribers, recorders): without a cap,
   * one token could fill MQTT_MAX_CONNECTIONS and keep devices out. Devices hold one each anyway.
   */
  MQTT_MAX_CONNECTIONS_PER_TOKEN: Count(1, 10_000).default(16),
  /**
   * Persistent (clean=false) sessions kept, connected or parked: in all, and per login (device or
   * token). When full, the oldest parked session of that login (then of anyone) is ended.
   */
  MQTT_MAX_PERSISTENT_SESSIONS: Count(1, 1_000_000).default(1_000),
  MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN: Count(1, 10_000).default(10),
  /** A parked persistent session (its client gone) ends this long after its client left. */
  MQTT_SESSION_EXPIRY_SEC: Count(60, 2_592_000).default(86_400),
  /** Messages queued per persistent session; beyond it the oldest is dropped. */
  MQTT_SESSION_MAX_QUEUED: Count(1, 100_000).default(100),
  /** A message queued for a persistent session is dropped once it is this old. */
  MQTT_SESSION_QUEUE_MAX_AGE_SEC: Count(1, 2_592_000).default(3_600),
  /**
   * Per device and minute (burst: a minute's worth): events other than fire_alarm; fire_alarm
   * repeats (a device's first fire_alarm is always let through, its own budget is never spent
   * by other events); status messages.
   */
  MQTT_EVENTS_PER_MIN_PER_DEVICE: Count(1, 600_000).default(60),
  MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE: Count(1, 600_000).default(12),
  MQTT_STATUS_PER_MIN_PER_DEVICE: Count(1, 600_000).default(30),
  /** Failed logins (per address, and per username from one address) before answers are delayed. */
  LOGIN_FAILURES_BEFORE_BACKOFF: Count(1, 1_000).default(5),
  /** Failed logins before the key is locked out for LOGIN_LOCKOUT_SEC. */
  LOGIN_FAILURES_BEFORE_LOCKOUT: Count(2, 10_000).default(20),
  LOGIN_LOCKOUT_SEC: Count(1, 86_400).default(300),

  HTTP_MAX_BODY_BYTES: Count(1_024, 16_777_216).default(65_536),
  HTTP_REQUESTS_PER_MIN_PER_ADDRESS: Count(1, 10_000_000).default(1_200),

  // Connections and their timeouts (SECURITY.md "File descriptors"): every open connection holds a
  // file descriptor, and the process has a fixed number of them.
  /** Open HTTP and HTTPS connections in all (the gateway's own host may add its per-address share). */
  HTTP_MAX_CONNECTIONS: Count(8, 100_000).default(256),
  HTTP_MAX_CONNECTIONS_PER_ADDRESS: Count(1, 100_000).default(32),
  /** From the first byte of a connection (or of a keep-alive request) to the end of its headers. */
  HTTP_HEADERS_TIMEOUT_MS: Count(500, 600_000).default(10_000),
  /** From the first byte of a request to the end of its body. */
  HTTP_REQUEST_TIMEOUT_MS: Count(500, 3_600_000).default(30_000),
  /** How long a keep-alive connection may wait for its next request. */
  HTTP_KEEP_ALIVE_TIMEOUT_MS: Count(100, 600_000).default(5_000),
  /** A connection in the middle of a request or response that moves no byte for this long is closed. */
  HTTP_IDLE_TIMEOUT_MS: Count(500, 3_600_000).default(30_000),
  /** A TLS client (MQTT or HTTPS) must finish its handshake within this. */
  TLS_HANDSHAKE_TIMEOUT_MS: Count(500, 120_000).default(10_000),
  /** Unset: from the open-file limit (gateway/limits/fd-budget.ts), at most 50,000. */
  MQTT_MAX_CONNECTIONS: Count(16, 1_000_000).optional(),
  /** High enough for a couple of thousand devices behind one NAT address. */
  MQTT_MAX_CONNECTIONS_PER_ADDRESS: Count(1, 1_000_000).default(2_000),
  /**
   * Connections that have not logged in yet (TLS handshake, waiting for or checking CONNECT). Unset:
   * half of MQTT_MAX_CONNECTIONS, at most 1,024, so that the other half is kept for clients that
   * logged in and no flood of silent sockets can take it.
   */
  MQTT_MAX_PENDING_LOGINS: Count(1, 100_000).optional(),
  MQTT_MAX_PENDING_LOGINS_PER_ADDRESS: Count(1, 100_000).default(64),
  /** A connection that sends no CONNECT within this is closed. */
  MQTT_CONNECT_TIMEOUT_MS: Count(500, 120_000).default(10_000),
  /** Concurrent live streams (GET /api/v1/live) in all and per address; each is an HTTP connection too. */
  LIVE_MAX_STREAMS: Count(1, 100_000).default(128),
  LIVE_MAX_STREAMS_PER_ADDRESS: Count(1, 100_000).default(16),
  /** A comment line on every live stream this often; a stream whose client took nothing since the last one is closed. */
  LIVE_HEARTBEAT_SEC: Count(1, 300).default(15),
  /** Comma-separated origins allowed to call the API from a browser; empty = CORS closed. */
  CORS_ORIGINS: CommaList,
  /**
   * Who may read /metrics: `open` (anyone who reaches the port, Prometheus's default) or `token`
   * (a bearer token: METRICS_TOKEN, or an admin's or brigade's API token).
   */
  METRICS_ACCESS: z.enum(['open', 'token']).default('open'),
  /** A bearer token for Prometheus alone, with METRICS_ACCESS=token; long enough not to be guessed. */
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').max(512).optional(),
  /**
   * Reverse proxies whose X-Forwarded-For is believed (addresses, CIDRs, or loopback / linklocal /
   * uniquelocal). Empty: the client is the TCP peer, whatever a request's headers say.
   */
  HTTP_TRUSTED_PROXIES: CommaList.pipe(
    z.array(
      z
        .string()
        .refine(
          isProxyEntry,
          'expected an IP address, a CIDR block such as 10.0.0.0/8, or loopback, linklocal, uniquelocal',
        ),
    ),
  ),
})
export type SecurityEnv = z.infer<typeof SecurityEnv>

/** Cross-field checks; each issue names the variable to fix. */
export function checkSecurityEnv(env: SecurityEnv, ctx: z.RefinementCtx): void {
  const problem = (path: keyof SecurityEnv, message: string) =>
    ctx.addIssue({ code: 'custom', path: [path], message })
  if (Boolean(env.TLS_CERT_FILE) !== Boolean(env.TLS_KEY_FILE)) {
    problem(
      env.TLS_CERT_FILE ? 'TLS_KEY_FILE' : 'TLS_CERT_FILE',
      'TLS needs both TLS_CERT_FILE and TLS_KEY_FILE',
    )
  }
  const tls = Boolean(env.TLS_CERT_FILE && env.TLS_KEY_FILE)
  if (env.TLS_CA_FILE && !tls)
    problem('TLS_CA_FILE', 'client certificates need TLS_CERT_FILE and TLS_KEY_FILE')
  if (env.MQTT_PLAIN === 'off' && !tls) problem('MQTT_PLAIN', 'off needs TLS_CERT_FILE and TLS_KEY_FILE')
  if (env.HTTP_PLAIN === 'off' && !tls) problem('HTTP_PLAIN', 'off needs TLS_CERT_FILE and TLS_KEY_FILE')
  if (env.MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN > env.MQTT_MAX_PERSISTENT_SESSIONS) {
    problem('MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN', 'must not be more than MQTT_MAX_PERSISTENT_SESSIONS')
  }
  if (env.METRICS_TOKEN && env.METRICS_ACCESS !== 'token') {
    problem('METRICS_TOKEN', 'set METRICS_ACCESS=token too, or /metrics stays open to everyone')
  }
  if (env.LOGIN_FAILURES_BEFORE_LOCKOUT <= env.LOGIN_FAILURES_BEFORE_BACKOFF) {
    problem('LOGIN_FAILURES_BEFORE_LOCKOUT', 'must be more than LOGIN_FAILURES_BEFORE_BACKOFF')
  }
  for (const [name, message] of connectionProblems(env, openFileLimit())) problem(name, message)
}

export function tlsConfigured(env: SecurityEnv): boolean {
  return Boolean(env.TLS_CERT_FILE && env.TLS_KEY_FILE)
}
