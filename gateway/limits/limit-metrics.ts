import { Counter, type Registry } from 'prom-client'
import type { LimitName } from './limit-reporter.ts'

const LOGIN_GUARDS = ['mqtt', 'http'] as const
/** The `guard` label of firewatch_login_lockouts_total: MQTT logins, or HTTP bearer tokens. */
export type LoginGuardName = (typeof LOGIN_GUARDS)[number]

/** The hardening counters, registered next to the gateway's other metrics. */
export function createLimitMetrics(registry: Registry) {
  const hits = new Counter({
    name: 'firewatch_limit_hits_total',
    help: 'Requests, packets and logins refused or dropped by a limit, by limit',
    labelNames: ['limit'],
    registers: [registry],
  })
  const lockouts = new Counter({
    name: 'firewatch_login_lockouts_total',
    help: 'Login lockouts started after repeated failures (per address, or per username at an address), by guard (mqtt logins, http bearer tokens)',
    labelNames: ['guard'],
    registers: [registry],
  })
  // Both series exist from the start, so a dashboard sees 0 rather than nothing.
  for (const guard of LOGIN_GUARDS) lockouts.labels(guard).inc(0)
  return {
    hit: (limit: LimitName) => hits.labels(limit).inc(),
    lockedOut: (guard: LoginGuardName) => lockouts.labels(guard).inc(),
  }
}
export type LimitMetrics = ReturnType<typeof createLimitMetrics>
