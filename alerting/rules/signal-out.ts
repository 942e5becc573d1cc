import type { AlertSignal } from '../alert.ts'
import type { Logger } from '../deps.ts'
import type { DeviceRules } from './device-rules.ts'

/**
 * The engine's one way out: turns a rule state change of one device into an AlertSignal and hands
 * it to the receiver (the alert lifecycle). A receiver that throws has not taken the signal: the
 * result is false and the engine takes the raise back, so the condition raises it again.
 */
export class SignalOut {
  constructor(
    private readonly emit: (signal: AlertSignal) => void,
    private readonly log: Logger,
  ) {}

  /** Builds and emits one signal; false when the receiver threw (the caller takes the raise back). */
  send(
    type: AlertSignal['type'],
    dev: DeviceRules,
    idx: number,
    metric: string | null,
    value: number | null,
    at: number,
    receivedAt: number,
    detail: string | null,
  ): boolean {
    const spec = dev.specs[idx]!
    const d = dev.device
    return this.deliver({
      type,
      device: d.id,
      building: d.building,
      floor: d.floor,
      zone: d.zone,
      rule: spec.id,
      class: spec.class,
      metric,
      value,
      threshold: dev.thresholdOf(idx),
      at,
      receivedAt,
      latched: dev.params[idx]!.latch,
      detail,
    })
  }

  /** Emits one signal; false when the receiver threw. */
  deliver(signal: AlertSignal): boolean {
    try {
      this.emit(signal)
      return true
    } catch (err) {
      // The receiver (alert lifecycle) is the boundary that failed; it does not log, so we do, once.
      this.log.error(
        { err, device: signal.device, rule: signal.rule, type: signal.type },
        'alert signal not delivered',
      )
      return false
    }
  }
}
