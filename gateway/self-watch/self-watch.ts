import type { TransitionObserver } from '../../alerting/alarm-path.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { isoTime, isoTimeOrNull } from '../../alerting/clock-iso.ts'
import type { Logger } from '../../alerting/deps.ts'
import { DEVICE_TO_ALERT_BOUND_MS } from '../../alerting/self-test-rule.ts'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { ListenPorts } from '../secure-listeners.ts'
import { type HeartbeatTally, sendHeartbeat } from './heartbeat.ts'
import type { ProbeTarget } from './probe-client.ts'
import { SelfTest, type SelfTestResult } from './self-test.ts'
import type { ProbeLogin } from './self-test-site.ts'
import type { SelfWatchEnv } from './self-watch-config.ts'
import { createSelfWatchMetrics } from './self-watch-metrics.ts'

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

/** The heartbeat and the scheduled self-test (docs/self-watch.md), wired to the gateway's parts. */
export function createSelfWatch(env: Env, deps: SelfWatchDeps): SelfWatch {
  const metrics = createSelfWatchMetrics(deps.registry)
  const selfTest = new SelfTest({ ...deps, metrics, fault: deps })
  const tally: HeartbeatTally = { sent: 0, failed: 0, lastSuccessAt: null }
  const timers = new Set<NodeJS.Timeout>()
  const underWay = new Set<Promise<unknown>>()
  let stopped = false
  const track = <T>(work: Promise<T>) => {
    underWay.add(work)
    void work.finally(() => underWay.delete(work))
    return work
  }
  const beat = () =>
    env.HEARTBEAT_URL === undefined
      ? Promise.resolve(false)
      : sendHeartbeat(
          {
            url: env.HEARTBEAT_URL,
            method: env.HEARTBEAT_METHOD,
            timeoutMs: Math.min(env.HEARTBEAT_TIMEOUT_MS, env.HEARTBEAT_INTERVAL_S * 1000),
            clock: deps.clock,
            log: deps.log,
            metrics,
            body: () => heartbeatBody(selfTest.lastResult(), deps.clock.now()),
          },
          tally,
        )
  const startSelfTests = (target: ProbeTarget) => {
    const next = () => {
      if (stopped) return
      void track(selfTest.run(target)).finally(() => {
        if (stopped) return
        const timer = setTimeout(() => {
          timers.delete(timer)
          next()
        }, env.SELF_TEST_INTERVAL_S * 1000)
        timers.add(timer)
      })
    }
    next()
  }
  return {
    observer: selfTest.observer,
    start(ports, bindHost) {
      selfTest.resolveLeftovers()
      const target = probeTarget(ports, bindHost)
      if (env.SELF_TEST_INTERVAL_S > 0 && target) startSelfTests(target)
      if (env.HEARTBEAT_URL === undefined) return
      void track(beat())
      timers.add(setInterval(() => void track(beat()), env.HEARTBEAT_INTERVAL_S * 1000))
    },
    async stop() {
      stopped = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
      await Promise.allSettled([...underWay])
    },
    report: () => ({
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
    }),
  }
}

/** What the outside monitor receives: small, and nothing that names the site. */
function heartbeatBody(last: SelfTestResult | null, now: number) {
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

/** The gateway's own broker over loopback: the plain listener if on, else the TLS one. */
function probeTarget(ports: ListenPorts, bindHost: string): ProbeTarget | null {
  const anyAddress = bindHost === '0.0.0.0' || bindHost === '::'
  const host = anyAddress ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost
  if (ports.mqttPort !== null) return { url: `mqtt://${host}:${ports.mqttPort}`, tls: false }
  if (ports.mqttTlsPort !== null) return { url: `mqtts://${host}:${ports.mqttTlsPort}`, tls: true }
  return null
}
