import { Counter, Gauge, type Registry } from 'prom-client'

/** The heartbeat's and the self-test's instruments in /metrics (README "Self-watch"). */
export function createSelfWatchMetrics(registry: Registry) {
  const registers = [registry]
  const heartbeatSent = new Counter({
    name: 'firewatch_heartbeat_sent_total',
    help: 'Heartbeats the outside monitor (HEARTBEAT_URL) answered with a 2xx',
    registers,
  })
  const heartbeatFailed = new Counter({
    name: 'firewatch_heartbeat_failed_total',
    help: 'Heartbeats that failed (no answer in time, network error, non-2xx); tried again at the next beat',
    registers,
  })
  const heartbeatLastSuccess = new Gauge({
    name: 'firewatch_heartbeat_last_success_timestamp_seconds',
    help: 'When the outside monitor last answered a heartbeat (0: never)',
    registers,
  })
  const selfTests = new Counter({
    name: 'firewatch_self_test_runs_total',
    help: 'Self-tests through the alarm path, by result (passed, failed)',
    labelNames: ['result'],
    registers,
  })
  for (const result of ['passed', 'failed']) selfTests.labels(result).inc(0)
  const lastLatency = new Gauge({
    name: 'firewatch_self_test_device_to_alert_seconds',
    help: 'Device-to-alert time of the last self-test that got its alert (GB 26875.1 bound: 10 s)',
    registers,
  })
  const lastPassed = new Gauge({
    name: 'firewatch_self_test_last_passed_timestamp_seconds',
    help: 'When a self-test last passed (0: never)',
    registers,
  })
  return {
    heartbeatAnswered(now: number): void {
      heartbeatSent.inc()
      heartbeatLastSuccess.set(now / 1000)
    },
    heartbeatFailed(): void {
      heartbeatFailed.inc()
    },
    selfTestDone(result: { passed: boolean; deviceToAlertMs: number | null }, now: number): void {
      selfTests.labels(result.passed ? 'passed' : 'failed').inc()
      if (result.deviceToAlertMs !== null) lastLatency.set(result.deviceToAlertMs / 1000)
      if (result.passed) lastPassed.set(now / 1000)
    },
  }
}

export type SelfWatchMetrics = ReturnType<typeof createSelfWatchMetrics>
