import type { RuleParams } from '../rule-catalog.ts'
import { CLEAR, RAISE, type ReadingRule, STAY, type Transition } from './transition.ts'

/**
 * 'above' / 'below' rules (rule-catalog.ts): raise once the value has been beyond `threshold` for
 * `samples` consecutive readings AND for `holdSec` (reading timestamps); clear once it has been
 * beyond `clear` for `clearHoldSec` and at least one reading. Latched rules never clear here.
 *
 * Edges: an 'above' threshold is an alarm setting, reached AT the setting (value >= threshold:
 * "alarm >= setting"); a 'below' threshold is a code minimum, met AT the minimum, so
 * only value < threshold is bad (GB 50974 "static pressure >= 0.10 MPa"). Clearing needs the
 * value strictly back past `clear` (docs/rules.md, "How the rules judge readings").
 */
export class ThresholdRule implements ReadingRule {
  active = false
  // Not readonly: a heightened watch retunes them in place (alerting/schedules), keeping the state.
  private threshold = 0
  private clearLevel = 0
  private holdMs = 0
  private samples = 1
  private clearHoldMs = 0
  private readonly latch: boolean
  private runCount = 0
  private runSince = 0
  private clearCount = 0
  private clearSince = 0

  constructor(
    params: RuleParams,
    private readonly above: boolean,
  ) {
    this.latch = params.latch
    this.retune(params)
  }

  /** New levels and hold times; a run or clear hold in progress goes on under the new ones. */
  retune(params: RuleParams): void {
    this.threshold = params.threshold
    // A partial override (threshold only) can leave `clear` on the wrong side of the threshold;
    // a value could then be bad and clear at once and the alert would flap on every reading.
    // Such a clear level is taken as the threshold itself: no hysteresis, but no flapping.
    this.clearLevel = this.above
      ? Math.min(params.clear, params.threshold)
      : Math.max(params.clear, params.threshold)
    this.holdMs = params.holdSec * 1000
    this.samples = Math.max(1, params.samples)
    this.clearHoldMs = params.clearHoldSec * 1000
  }

  update(value: number, ts: number): Transition {
    return this.active ? this.whileRaised(value, ts) : this.whileIdle(value, ts)
  }

  reset(): void {
    this.active = false
    this.runCount = 0
    this.clearCount = 0
  }

  forceActive(): void {
    this.reset()
    this.active = true
  }

  private whileIdle(value: number, ts: number): Transition {
    const bad = this.above ? value >= this.threshold : value < this.threshold
    if (!bad) {
      this.runCount = 0
      return STAY
    }
    if (this.runCount === 0) this.runSince = ts
    this.runCount++
    if (this.runCount < this.samples || ts - this.runSince < this.holdMs) return STAY
    this.active = true
    this.runCount = 0
    this.clearCount = 0
    return RAISE
  }

  private whileRaised(value: number, ts: number): Transition {
    if (this.latch) return STAY
    const good = this.above ? value < this.clearLevel : value > this.clearLevel
    if (!good) {
      // Between threshold and clear (or bad again): still raised, and the clear hold restarts.
      this.clearCount = 0
      return STAY
    }
    if (this.clearCount === 0) this.clearSince = ts
    this.clearCount++
    if (ts - this.clearSince < this.clearHoldMs) return STAY
    this.active = false
    this.clearCount = 0
    this.runCount = 0
    return CLEAR
  }
}
