import { Counter, type Registry } from 'prom-client'
import type { LimitName } from './limit-reporter.ts'

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
    help: 'Login lockouts started after repeated failures (per address, or per username at an address)',
    registers: [registry],
  })
  return {
    hit: (limit: LimitName) => hits.labels(limit).inc(),
    lockedOut: () => lockouts.inc(),
  }
}
export type LimitMetrics = ReturnType<typeof createLimitMetrics>
