import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { SecurityEnv } from '../security-config.ts'
import { type ConnectionLimits, createConnectionLimits } from './connection-limits.ts'
import { DeviceMessageLimits } from './device-message-limits.ts'
import { openFileLimit } from './fd-budget.ts'
import { createLimitMetrics, type LimitMetrics } from './limit-metrics.ts'
import { LimitReporter } from './limit-reporter.ts'
import { LoginGuard } from './login-guard.ts'
import { RateBuckets } from './rate-buckets.ts'
import type { TopicLimitOptions } from './topic-limits.ts'

export interface MqttLimits {
  maxPacketBytes: number
  topic: TopicLimitOptions
  duplicateLogin: SecurityEnv['MQTT_DUPLICATE_LOGIN']
  connectsPerAddress: RateBuckets<string>
  connectsPerClient: RateBuckets<string>
  publishesPerClient: RateBuckets<object>
  publishesPerAddress: RateBuckets<string>
  /** Per-device budgets of events (fire_alarm apart) and status messages. */
  deviceMessages: DeviceMessageLimits
  maxInflightInbound: number
  maxSubscriptionsPerClient: number
  /** Connections one API token may hold at once. */
  maxConnectionsPerToken: number
  sessions: SessionLimits
}

/** The persistent (clean=false) sessions and what they may keep (README "Limits"). */
export interface SessionLimits {
  maxSessions: number
  maxPerLogin: number
  expiryMs: number
  maxQueued: number
  maxQueueAgeMs: number
}

export interface HttpLimits {
  maxBodyBytes: number
  requestsPerAddress: RateBuckets<string>
  corsOrigins: readonly string[]
  /** HTTP_TRUSTED_PROXIES: the hops whose X-Forwarded-For names the client (empty = none). */
  trustedProxies: readonly string[]
}

/** Every limit (README "Limits"), built once from the environment and shared by MQTT and HTTP. */
export interface Hardening {
  reporter: LimitReporter
  metrics: LimitMetrics
  /**
   * Failed MQTT logins. Kept apart from the HTTP guard: behind a reverse proxy every HTTP request
   * comes from the proxy's address, and wrong bearer tokens must never lock devices at that
   * address out of MQTT (SECURITY.md).
   */
  mqttLoginGuard: LoginGuard
  /** Wrong HTTP bearer tokens, per client address (HTTP_TRUSTED_PROXIES says who that is). */
  httpLoginGuard: LoginGuard
  mqtt: MqttLimits
  http: HttpLimits
  /** Connection caps and timeouts of every listener, and the live streams'. */
  connections: ConnectionLimits
}

export function createHardening(
  /** INGEST_MAX_PAYLOAD_BYTES too: an event larger than that is no fire alarm (the decoder refuses it). */
  env: SecurityEnv & { INGEST_MAX_PAYLOAD_BYTES: number },
  deps: { clock: { now(): number }; log: Logger; registry: Registry },
): Hardening {
  const { clock } = deps
  const metrics = createLimitMetrics(deps.registry)
  const perMinute = (n: number) => new RateBuckets<string>(n / 60, n, clock)
  const loginGuard = () =>
    new LoginGuard({
      backoffAfter: env.LOGIN_FAILURES_BEFORE_BACKOFF,
      lockoutAfter: env.LOGIN_FAILURES_BEFORE_LOCKOUT,
      lockoutMs: env.LOGIN_LOCKOUT_SEC * 1000,
      clock,
    })
  return {
    metrics,
    reporter: new LimitReporter({ count: metrics.hit, log: deps.log, clock }),
    mqttLoginGuard: loginGuard(),
    httpLoginGuard: loginGuard(),
    mqtt: {
      maxPacketBytes: env.MQTT_MAX_PACKET_BYTES,
      topic: { maxLength: env.MQTT_MAX_TOPIC_LENGTH, maxLevels: env.MQTT_MAX_TOPIC_LEVELS },
      duplicateLogin: env.MQTT_DUPLICATE_LOGIN,
      connectsPerAddress: perMinute(env.MQTT_CONNECTS_PER_MIN_PER_ADDRESS),
      connectsPerClient: perMinute(env.MQTT_CONNECTS_PER_MIN_PER_CLIENT),
      // A burst of two seconds' worth: a device that flushes a backlog after a reconnect is fine.
      publishesPerClient: new RateBuckets<object>(
        env.MQTT_PUBLISHES_PER_SEC_PER_CLIENT,
        2 * env.MQTT_PUBLISHES_PER_SEC_PER_CLIENT,
        clock,
      ),
      publishesPerAddress: new RateBuckets<string>(
        env.MQTT_PUBLISHES_PER_SEC_PER_ADDRESS,
        2 * env.MQTT_PUBLISHES_PER_SEC_PER_ADDRESS,
        clock,
      ),
      deviceMessages: new DeviceMessageLimits({
        eventsPerMin: env.MQTT_EVENTS_PER_MIN_PER_DEVICE,
        fireAlarmsPerMin: env.MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE,
        statusPerMin: env.MQTT_STATUS_PER_MIN_PER_DEVICE,
        maxPayloadBytes: env.INGEST_MAX_PAYLOAD_BYTES,
        clock,
      }),
      maxInflightInbound: env.MQTT_MAX_INFLIGHT_INBOUND,
      maxSubscriptionsPerClient: env.MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT,
      maxConnectionsPerToken: env.MQTT_MAX_CONNECTIONS_PER_TOKEN,
      sessions: {
        maxSessions: env.MQTT_MAX_PERSISTENT_SESSIONS,
        maxPerLogin: env.MQTT_MAX_PERSISTENT_SESSIONS_PER_LOGIN,
        expiryMs: env.MQTT_SESSION_EXPIRY_SEC * 1000,
        maxQueued: env.MQTT_SESSION_MAX_QUEUED,
        maxQueueAgeMs: env.MQTT_SESSION_QUEUE_MAX_AGE_SEC * 1000,
      },
    },
    http: {
      maxBodyBytes: env.HTTP_MAX_BODY_BYTES,
      requestsPerAddress: perMinute(env.HTTP_REQUESTS_PER_MIN_PER_ADDRESS),
      corsOrigins: env.CORS_ORIGINS,
      trustedProxies: env.HTTP_TRUSTED_PROXIES,
    },
    connections: createConnectionLimits(env, { registry: deps.registry, fdLimit: openFileLimit() }),
  }
}
