import { isoTime } from '../../alerting/clock-iso.ts'
import type { Logger } from '../../alerting/deps.ts'
import type { SelfTestResult } from './self-test.ts'
import type { SelfWatchMetrics } from './self-watch-metrics.ts'

export interface HeartbeatDeps {
  url: string
  method: 'GET' | 'POST'
  timeoutMs: number
  clock: { now(): number }
  log: Logger
  metrics: SelfWatchMetrics
  /** The POST body: the gateway's status and its last self-test. */
  body: () => object
}

/** What the report (GET /api/v1/self-test) says of the beats so far. */
export interface HeartbeatTally {
  sent: number
  failed: number
  lastSuccessAt: number | null
}

/**
 * One beat to the outside monitor. Never throws and never waits longer than its timeout: a monitor
 * that is down or slow costs a log line and a counted failure, and the next beat tries again.
 */
export async function sendHeartbeat(deps: HeartbeatDeps, tally: HeartbeatTally): Promise<boolean> {
  const init: RequestInit = { method: deps.method, signal: AbortSignal.timeout(deps.timeoutMs) }
  if (deps.method === 'POST') {
    init.headers = { 'content-type': 'application/json' }
    init.body = JSON.stringify(deps.body())
  }
  try {
    const response = await fetch(deps.url, init)
    // The answer is not read: monitors say "OK" or nothing, and an unread body would hold the socket.
    await response.body?.cancel()
    if (!response.ok) throw new Error(`the monitor answered HTTP ${response.status}`)
    tally.sent += 1
    tally.lastSuccessAt = deps.clock.now()
    deps.metrics.heartbeatAnswered(tally.lastSuccessAt)
    return true
  } catch (err) {
    tally.failed += 1
    deps.metrics.heartbeatFailed()
    // The origin only: a push URL carries its secret in the path or the query.
    deps.log.warn({ monitor: new URL(deps.url).origin, err: reason(err) }, 'heartbeat failed')
    return false
  }
}

/** fetch's own message is only "fetch failed"; the cause says why (ECONNREFUSED, a timeout...). */
function reason(err: unknown): string {
  const e = err as Error & { cause?: { message?: string } }
  return e.cause?.message ?? e.message
}

/** What the outside monitor receives: small, and nothing that names the site. */
export function heartbeatBody(last: SelfTestResult | null, now: number) {
  return {
    status: last === null || last.passed ? 'ok' : 'self_test_failed',
    time: isoTime(now),
    selfTest: last && {
      passed: last.passed,
      finishedAt: last.finishedAt,
      deviceToAlertMs: last.deviceToAlertMs,
      failure: last.failure,
    },
  }
}
