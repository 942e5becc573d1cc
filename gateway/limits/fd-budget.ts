import { readFileSync } from 'node:fs'
import type { SecurityEnv } from '../security-config.ts'

/**
 * Descriptors the gateway keeps for itself, never given to a client: about 45 at rest (SQLite files
 * and their WAL, the store's writer thread, libuv's epoll and event fds, stdio, the listening
 * sockets), plus outgoing sockets (InfluxDB, webhooks, SMTP, Twilio, Web Push, DNS) and HTTP
 * connections that are being refused with an answer (at most 32 at once).
 */
export const RESERVED_FDS = 128
/** MQTT_MAX_CONNECTIONS left unset never goes above this: memory, not descriptors, would run out first. */
const MQTT_AUTO_MAX = 50_000
const PENDING_AUTO_MAX = 1_024
/** Where the limit cannot be read (not Linux): the usual soft limit. */
export const ASSUMED_FD_LIMIT = 1_024
/** What "unlimited" counts as. */
const UNLIMITED = 1_048_576

type ConnectionEnv = Pick<
  SecurityEnv,
  | 'HTTP_MAX_CONNECTIONS'
  | 'HTTP_MAX_CONNECTIONS_PER_ADDRESS'
  | 'HTTP_HEADERS_TIMEOUT_MS'
  | 'HTTP_REQUEST_TIMEOUT_MS'
  | 'MQTT_MAX_CONNECTIONS'
  | 'MQTT_MAX_CONNECTIONS_PER_ADDRESS'
  | 'MQTT_MAX_PENDING_LOGINS'
  | 'MQTT_MAX_PENDING_LOGINS_PER_ADDRESS'
  | 'LIVE_MAX_STREAMS'
  | 'LIVE_MAX_STREAMS_PER_ADDRESS'
> & {
  /** The fire panel receiver (gateway/uitd/): its connections take descriptors too, when it is on. */
  UITD_ENABLED?: 'on' | 'off'
  UITD_MAX_CONNECTIONS?: number
}

export interface Cap {
  total: number
  /** Never above `total`. */
  perAddress: number
}

/** The connection caps in force, with the limits left unset worked out from the open-file limit. */
export interface ConnectionCaps {
  fdLimit: number
  http: Cap
  mqtt: Cap
  /** MQTT connections that have not logged in yet; part of `mqtt`. */
  pendingLogins: Cap
  /** Live streams; each is an HTTP connection too. */
  live: Cap
}

/**
 * The soft RLIMIT_NOFILE of this process, from /proc/self/limits. Node raises the soft limit to the
 * hard one when it starts, so this is the hard limit the gateway was started with; no unprivileged
 * process can go beyond it (README "Security").
 */
export function openFileLimit(read: () => string = () => readFileSync('/proc/self/limits', 'utf8')): number {
  try {
    const soft = /^Max open files\s+(\S+)/m.exec(read())?.[1]
    if (soft === 'unlimited') return UNLIMITED
    const n = Number(soft)
    return Number.isSafeInteger(n) && n > 0 ? n : ASSUMED_FD_LIMIT
  } catch {
    return ASSUMED_FD_LIMIT
  }
}

/**
 * HTTP takes its cap plus one address's share (the gateway's own host may go beyond the total, so
 * that the health check gets in), the UITD receiver its cap when it is on; MQTT gets what is left
 * after the reserve.
 */
function mqttRoom(env: ConnectionEnv, fdLimit: number): number {
  const uitd = env.UITD_ENABLED === 'on' ? (env.UITD_MAX_CONNECTIONS ?? 0) : 0
  return fdLimit - RESERVED_FDS - env.HTTP_MAX_CONNECTIONS - env.HTTP_MAX_CONNECTIONS_PER_ADDRESS - uitd
}

const cap = (total: number, perAddress: number): Cap => ({ total, perAddress: Math.min(perAddress, total) })

export function resolveConnectionCaps(env: ConnectionEnv, fdLimit: number): ConnectionCaps {
  const mqtt = env.MQTT_MAX_CONNECTIONS ?? Math.max(16, Math.min(MQTT_AUTO_MAX, mqttRoom(env, fdLimit)))
  const pending = env.MQTT_MAX_PENDING_LOGINS ?? Math.min(PENDING_AUTO_MAX, Math.floor(mqtt / 2))
  return {
    fdLimit,
    http: cap(env.HTTP_MAX_CONNECTIONS, env.HTTP_MAX_CONNECTIONS_PER_ADDRESS),
    mqtt: cap(mqtt, env.MQTT_MAX_CONNECTIONS_PER_ADDRESS),
    pendingLogins: cap(Math.min(pending, mqtt), env.MQTT_MAX_PENDING_LOGINS_PER_ADDRESS),
    live: cap(env.LIVE_MAX_STREAMS, env.LIVE_MAX_STREAMS_PER_ADDRESS),
  }
}

/** Settings that cannot work together or do not fit in the open-file limit; each names the variable to fix. */
export function connectionProblems(env: ConnectionEnv, fdLimit: number): [keyof SecurityEnv, string][] {
  const problems: [keyof SecurityEnv, string][] = []
  if (env.HTTP_REQUEST_TIMEOUT_MS < env.HTTP_HEADERS_TIMEOUT_MS) {
    problems.push(['HTTP_REQUEST_TIMEOUT_MS', 'must be at least HTTP_HEADERS_TIMEOUT_MS'])
  }
  const room = mqttRoom(env, fdLimit)
  const raise = 'or raise the open-file limit (ulimit -n, systemd LimitNOFILE, docker --ulimit nofile)'
  if (env.MQTT_MAX_CONNECTIONS !== undefined && env.MQTT_MAX_CONNECTIONS > room) {
    problems.push([
      'MQTT_MAX_CONNECTIONS',
      `${env.MQTT_MAX_CONNECTIONS} does not fit in the open-file limit of ${fdLimit} (${RESERVED_FDS} reserved, ` +
        `HTTP_MAX_CONNECTIONS + HTTP_MAX_CONNECTIONS_PER_ADDRESS for HTTP, UITD_MAX_CONNECTIONS when UITD_ENABLED=on, at most ${Math.max(room, 0)} left): lower it ${raise}`,
    ])
  }
  if (env.MQTT_MAX_CONNECTIONS === undefined && room < 16) {
    problems.push([
      'HTTP_MAX_CONNECTIONS',
      `the open-file limit of ${fdLimit} leaves ${Math.max(room, 0)} descriptors for MQTT after ${RESERVED_FDS} reserved ` +
        `and HTTP_MAX_CONNECTIONS + HTTP_MAX_CONNECTIONS_PER_ADDRESS: lower them ${raise}`,
    ])
  }
  return problems
}
