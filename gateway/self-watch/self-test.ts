import type { TransitionObserver } from '../../alerting/alarm-path.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { isoTime } from '../../alerting/clock-iso.ts'
import type { Logger } from '../../alerting/deps.ts'
import {
  DEVICE_TO_ALERT_BOUND_MS,
  type SelfTestFailure,
  selfTestFailureText,
} from '../../alerting/self-test-rule.ts'
import { type ProbeTarget, sendTestAlarm } from './probe-client.ts'
import { clearSelfTestFault, raiseSelfTestFault, type SelfTestFaultDeps } from './self-test-fault.ts'
import { isSelfTestBuilding, type ProbeLogin } from './self-test-site.ts'
import type { SelfWatchMetrics } from './self-watch-metrics.ts'

/** The outcome of one self-test (GET /api/v1/self-test, the heartbeat body). */
export interface SelfTestResult {
  passed: boolean
  startedAt: string
  finishedAt: string
  /** From the probe's publish to the committed alert; null when no alert came in time. */
  deviceToAlertMs: number | null
  boundMs: number
  /** Why it failed, in English; null when it passed. */
  failure: string | null
}

export interface SelfTestDeps {
  login: ProbeLogin
  lifecycle: AlertLifecycle
  fault: SelfTestFaultDeps
  clock: { now(): number }
  log: Logger
  metrics: SelfWatchMetrics
}

/** Who resolves the probe's alerts: not `system`, so the rule re-arms as after a person's resolve. */
const SELF_TEST_ACTOR = 'self-test'

/**
 * One self-test (docs/self-watch.md): the probe sends a fire alarm over MQTT, the alarm path turns
 * it into a committed alert, the self-test measures the time against GB 26875.1's 10 s and
 * resolves the alert. A failure raises self_test.failed in every building; a pass clears it.
 */
export class SelfTest {
  private arrival: ((at: number) => void) | null = null
  private last: SelfTestResult | null = null
  /**
   * The self_test.failed changes the alert store has not taken yet (it could not write). A raise
   * still owed is made even when a later self-test passed, and stays until the next pass after
   * it: an outage of the alarm path that healed meanwhile is still told to people.
   */
  private owed: { raise: SelfTestFailure | null; clear: boolean } = { raise: null, clear: false }

  constructor(private readonly deps: SelfTestDeps) {}

  /** On the whole alarm path (not the people's view): sees the probe's alerts as they commit. */
  readonly observer: TransitionObserver = {
    afterTransition: (t) => {
      if (!isSelfTestBuilding(t.alert.building)) return
      if (t.action !== 'opened' && t.action !== 'repeated') return
      this.arrival?.(this.deps.clock.now())
      // After the observers of this commit have run: a late alert is resolved all the same.
      setImmediate(() => this.resolveProbeAlert(t.alert.id))
    },
  }

  lastResult(): SelfTestResult | null {
    return this.last
  }

  /** Start-up: an alert of a self-test cut short by a stop or a crash is resolved now. */
  resolveLeftovers(): void {
    for (const a of this.deps.lifecycle.active())
      if (isSelfTestBuilding(a.building)) this.resolveProbeAlert(a.id)
  }

  async run(target: ProbeTarget): Promise<SelfTestResult> {
    const { clock } = this.deps
    const startedAt = clock.now()
    const arrived = new Promise<number>((resolve) => {
      this.arrival = resolve
    })
    let arrivedAt: number | null = null
    let failure: SelfTestFailure | null = null
    try {
      await sendTestAlarm(target, this.deps.login, startedAt, DEVICE_TO_ALERT_BOUND_MS)
      const left = Math.max(0, DEVICE_TO_ALERT_BOUND_MS - (clock.now() - startedAt))
      arrivedAt = await settledWithin(arrived, left)
      if (arrivedAt === null) failure = { kind: 'no_alert' }
      else if (arrivedAt - startedAt > DEVICE_TO_ALERT_BOUND_MS)
        failure = { kind: 'too_slow', ms: arrivedAt - startedAt }
    } catch (err) {
      failure = { kind: 'probe', error: (err as Error).message }
    } finally {
      this.arrival = null
    }
    return this.finish(startedAt, arrivedAt, failure)
  }

  private finish(startedAt: number, arrivedAt: number | null, failure: SelfTestFailure | null) {
    const { clock, metrics, log } = this.deps
    const result: SelfTestResult = {
      passed: failure === null,
      startedAt: isoTime(startedAt),
      finishedAt: isoTime(clock.now()),
      deviceToAlertMs: arrivedAt === null ? null : arrivedAt - startedAt,
      boundMs: DEVICE_TO_ALERT_BOUND_MS,
      failure: failure && selfTestFailureText('en', failure),
    }
    this.last = result
    metrics.selfTestDone(result, clock.now())
    if (failure === null) log.info({ deviceToAlertMs: result.deviceToAlertMs }, 'self-test passed')
    else log.error({ failure: result.failure }, 'self-test failed')
    if (failure !== null) this.owed = { raise: failure, clear: false }
    else if (this.owed.raise === null) this.owed.clear = true
    this.settleFault()
    return result
  }

  /** True while a raise or clear of self_test.failed waits for the alert store. */
  owesFault(): boolean {
    return this.owed.raise !== null || this.owed.clear
  }

  /**
   * Raises or clears self_test.failed as the last self-test said. True once the store took it; a
   * failure found while the alert store is down is raised as soon as it takes writes again.
   */
  settleFault(): boolean {
    const owed = this.owed
    if (owed.raise !== null) {
      if (!raiseSelfTestFault(this.deps.fault, owed.raise)) return false
      owed.raise = null
    }
    if (owed.clear) {
      if (!clearSelfTestFault(this.deps.fault)) return false
      owed.clear = false
    }
    return true
  }

  private resolveProbeAlert(id: string): void {
    try {
      this.deps.lifecycle.resolve(id, SELF_TEST_ACTOR, 'self-test: resolved by the gateway')
    } catch (err) {
      // Still active: the next self-test's alarm repeats it, and it is resolved then.
      this.deps.log.error({ err, alertId: id }, 'self-test alert not resolved')
    }
  }
}

/** The promise's value, or null when it has not settled within `ms`. */
function settledWithin<T>(work: Promise<T>, ms: number): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), ms)
  })
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer))
}
