import { Gauge, type Registry } from 'prom-client'
import type { SecurityEnv } from '../security-config.ts'
import { ConnectionCounter } from './connection-counter.ts'
import type { ListenerKind } from './connection-gate.ts'
import { type ConnectionCaps, resolveConnectionCaps } from './fd-budget.ts'

export interface ConnectionTimeouts {
  httpHeadersMs: number
  httpRequestMs: number
  httpKeepAliveMs: number
  httpIdleMs: number
  tlsHandshakeMs: number
  mqttConnectMs: number
  liveHeartbeatMs: number
}

/**
 * The connection caps and timeouts of every listener (SECURITY.md "File descriptors"): one counter
 * per kind, shared by its plain and TLS listeners, because they draw on the same descriptors.
 */
export interface ConnectionLimits {
  caps: ConnectionCaps
  timeouts: ConnectionTimeouts
  /** HTTP and HTTPS connections; the gateway's own host may go beyond the total by its own share. */
  http: ConnectionCounter
  /** MQTT and MQTT-over-TLS connections, logged in or not. */
  mqtt: ConnectionCounter
  /** MQTT connections that have not logged in yet. */
  pendingLogins: ConnectionCounter
  /** Live streams (GET /api/v1/live). */
  live: ConnectionCounter
  /** A listener whose open connections firewatch_connections_open reports. */
  track(kind: ListenerKind, listener: { readonly open: number }): void
}

export function createConnectionLimits(
  env: SecurityEnv,
  deps: { registry: Registry; fdLimit: number },
): ConnectionLimits {
  const caps = resolveConnectionCaps(env, deps.fdLimit)
  const tracked: { kind: ListenerKind; listener: { readonly open: number } }[] = []
  const limits: ConnectionLimits = {
    caps,
    timeouts: {
      httpHeadersMs: env.HTTP_HEADERS_TIMEOUT_MS,
      httpRequestMs: env.HTTP_REQUEST_TIMEOUT_MS,
      httpKeepAliveMs: env.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      httpIdleMs: env.HTTP_IDLE_TIMEOUT_MS,
      tlsHandshakeMs: env.TLS_HANDSHAKE_TIMEOUT_MS,
      mqttConnectMs: env.MQTT_CONNECT_TIMEOUT_MS,
      liveHeartbeatMs: env.LIVE_HEARTBEAT_SEC * 1000,
    },
    http: new ConnectionCounter(caps.http, true),
    mqtt: new ConnectionCounter(caps.mqtt),
    pendingLogins: new ConnectionCounter(caps.pendingLogins),
    live: new ConnectionCounter(caps.live),
    track: (kind, listener) => tracked.push({ kind, listener }),
  }
  new Gauge({
    name: 'firewatch_connections_open',
    help: 'Open connections, by listener (mqtt, mqtts, http, https) and open live streams (live)',
    labelNames: ['listener'],
    registers: [deps.registry],
    collect() {
      this.reset()
      for (const { kind, listener } of tracked) this.labels(kind).inc(listener.open)
      this.labels('live').set(limits.live.open)
    },
  })
  new Gauge({
    name: 'firewatch_mqtt_pending_logins',
    help: 'MQTT connections that have not logged in yet (TLS handshake, CONNECT awaited or being checked)',
    registers: [deps.registry],
    collect() {
      this.set(limits.pendingLogins.open)
    },
  })
  return limits
}
