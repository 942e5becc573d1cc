import type { TransitionObserver } from '../../alerting/alarm-path.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { isoTimeOrNull } from '../../alerting/clock-iso.ts'
import type { Logger } from '../../alerting/deps.ts'
import { DEVICE_TO_ALERT_BOUND_MS } from '../../alerting/self-test-rule.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { ListenPorts } from '../secure-listeners.ts'
import { type HeartbeatTally, heartbeatBody, sendHeartbeat } from './heartbeat.ts'
import { type ProbeTarget, probeTarget } from './probe-client.ts'
import { SelfTest, type SelfTestResult } from './self-test.ts'
import type { ProbeLogin } from './self-test-site.ts'
import type { SelfWatchEnv } from './self-watch-config.ts'
import { createSelfWatchMetrics, type SelfWatchMetrics } from './self-watch-metrics.ts'
import { Timers } from './timers.ts'

export interface SelfWatchDeps {
  /** The site file's site (the self_test.failed alert goes to its buildings). */
  site: SiteModel
  lifecycle: AlertLifecycle
  login: ProbeLogin
  clock: { now(): number }
  log: Logger
  registry: import('prom-client').Registry
}

/** GET /api/v1/self-test: the last self-test and the heartbeat so far. */
export interface SelfWatchReport {
  selfTest: { enabled: boolean; intervalSec: number; boundMs: number; last: SelfTestResult | null }
  heartbeat: {
    enabled: boolean
    intervalSec: number
    sent: number
    failed: number
    lastSuccessAt: string | null
  }
}

export interface SelfWatch {
  /** Goes on the whole alarm path: the self-test sees its probe's alerts commit. */
  observer: TransitionObserver
  /** Once the listeners are up: the first self-test and beat go out at once. */
  start(ports: ListenPorts, bindHost: string): void
  /** A self-test now, or the one under way (POST /api/v1/self-test); null while it is off. */
  runNow(): Promise<SelfTestResult> | null
  /** Stops the timers and waits for a self-test or beat under way. */
  stop(): Promise<void>
  report(): SelfWatchReport
}

type Env = Pick<
  SelfWatchEnv,
  | 'HEARTBEAT_URL'
  | 'HEARTBEAT_INTERVAL_S'
  | 'HEARTBEAT_METHOD'
  | 'HEARTBEAT_TIMEOUT_MS'
  | 'SELF_TEST_INTERVAL_S'
>

/** A self_test.failed the alert store did not take is tried again this often. */
const FAULT_RETRY_MS = 5_000

/** The heartbeat and the scheduled self-test (docs/self-watch.md), wired to the gateway's parts. */
export function createSelfWatch(env: Env, deps: SelfWatchDeps): SelfWatch {
  const metrics = createSelfWatchMetrics(deps.registry)
  const selfTest = new SelfTest({ ...deps, metrics, fault: deps })
  const tally: HeartbeatTally = { sent: 0, failed: 0, lastSuccessAt: null }
  const timers = new Timers()
  const runOnce = oneAtATime(selfTest, timers)
  let target: ProbeTarget | null = null
  return {
    observer: selfTest.observer,
    start(ports, bindHost) {
      selfTest.resolveLeftovers()
      target = env.SELF_TEST_INTERVAL_S > 0 ? probeTarget(ports, bindHost) : null
      const to = target
      if (to) timers.repeatAfterEach(env.SELF_TEST_INTERVAL_S * 1000, () => runOnce(to))
      if (env.HEARTBEAT_URL !== undefined)
        timers.every(
          env.HEARTBEAT_INTERVAL_S * 1000,
          beat(env, env.HEARTBEAT_URL, deps, metrics, selfTest, tally),
        )
    },
    runNow: () => (target ? runOnce(target) : null),
    stop: () => timers.stop(),
    report: () => report(env, selfTest, tally),
  }
}

/**
 * One self-test at a time, whether the schedule or an admin asked for it: a second caller gets the
 * run under way. A fault the store did not take is retried until it does.
 */
function oneAtATime(selfTest: SelfTest, timers: Timers): (to: ProbeTarget) => Promise<SelfTestResult> {
  let current: Promise<SelfTestResult> | null = null
  const settled = (result: SelfTestResult) => {
    if (selfTest.owesFault()) timers.retryUntil(FAULT_RETRY_MS, () => selfTest.settleFault())
    return result
  }
  return (to) => {
    current ??= timers.track(
      selfTest
        .run(to)
        .then(settled)
        .finally(() => {
          current = null
        }),
    )
    return current
  }
}

/** One beat, as the timer calls it. */
function beat(
  env: Env,
  url: string,
  deps: SelfWatchDeps,
  metrics: SelfWatchMetrics,
  selfTest: SelfTest,
  tally: HeartbeatTally,
): () => Promise<unknown> {
  const heartbeat = {
    url,
    method: env.HEARTBEAT_METHOD,
    // Never longer than the interval: one beat is done before the next one goes.
    timeoutMs: Math.min(env.HEARTBEAT_TIMEOUT_MS, env.HEARTBEAT_INTERVAL_S * 1000),
    clock: deps.clock,
    log: deps.log,
    metrics,
    body: () => heartbeatBody(selfTest.lastResult(), deps.clock.now()),
  }
  return () => sendHeartbeat(heartbeat, tally)
}

function report(env: Env, selfTest: SelfTest, tally: HeartbeatTally): SelfWatchReport {
  return {
    selfTest: {
      enabled: env.SELF_TEST_INTERVAL_S > 0,
      intervalSec: env.SELF_TEST_INTERVAL_S,
      boundMs: DEVICE_TO_ALERT_BOUND_MS,
      last: selfTest.lastResult(),
    },
    heartbeat: {
      enabled: env.HEARTBEAT_URL !== undefined,
      intervalSec: env.HEARTBEAT_INTERVAL_S,
      sent: tally.sent,
      failed: tally.failed,
      lastSuccessAt: isoTimeOrNull(tally.lastSuccessAt),
    },
  }
}
