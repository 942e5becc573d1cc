import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { SecurityEnv } from '../security-config.ts'
import { type ConnectionLimits, createConnectionLimits } from './connection-limits.ts'
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
}

export interface HttpLimits {
  maxBodyBytes: number
  requestsPerAddress: RateBuckets<string>
  corsOrigins: readonly string[]
}

/** Every limit of issue 9, built once from the environment and shared by MQTT and HTTP. */
export interface Hardening {
  reporter: LimitReporter
  metrics: LimitMetrics
  /** One guard for MQTT logins and HTTP bearer tokens: failures on either count together. */
  loginGuard: LoginGuard
  mqtt: MqttLimits
  http: HttpLimits
  /** Connection caps and timeouts of every listener, and the live streams'. */
  connections: ConnectionLimits
}

export function createHardening(
  env: SecurityEnv,
  deps: { clock: { now(): number }; log: Logger; registry: Registry },
): Hardening {
  const { clock } = deps
  const metrics = createLimitMetrics(deps.registry)
  const perMinute = (n: number) => new RateBuckets<string>(n / 60, n, clock)
  return {
    metrics,
    reporter: new LimitReporter({ count: metrics.hit, log: deps.log, clock }),
    loginGuard: new LoginGuard({
      backoffAfter: env.LOGIN_FAILURES_BEFORE_BACKOFF,
      lockoutAfter: env.LOGIN_FAILURES_BEFORE_LOCKOUT,
      lockoutMs: env.LOGIN_LOCKOUT_SEC * 1000,
      clock,
    }),
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
    },
    http: {
      maxBodyBytes: env.HTTP_MAX_BODY_BYTES,
      requestsPerAddress: perMinute(env.HTTP_REQUESTS_PER_MIN_PER_ADDRESS),
      corsOrigins: env.CORS_ORIGINS,
    },
    connections: createConnectionLimits(env, { registry: deps.registry, fdLimit: openFileLimit() }),
  }
}
