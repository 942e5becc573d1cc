import type { RuleParams } from '../rule-catalog.ts'
import { RateRule } from './rate-rule.ts'
import { RAISE, type ReadingRule, STAY, type Transition } from './transition.ts'

/**
 * 'flow' rule (sprinkler.flow): a sprinkler head is flowing, which is a fire alarm (NFPA 72 §26.2.1,
 * docs/rules.md, "Signal classes": waterflow is a fire signal). Told from the other pressure
 * patterns by its shape:
 *
 * - a head opening: the branch falls by more than `delta` within `windowSec` (the rapid-drop
 *   test) and then HOLDS more than `delta` under the level before the fall for `holdSec`, at a
 *   residual pressure of at least `threshold` (water still flows through an open head);
 * - a slow leak never falls by `delta` within `windowSec` (the jockey pump keeps up, then sags);
 * - a pump start's water hammer falls back from its spike to a level ABOVE the one before it;
 * - a burst pipe or a drained branch falls under `threshold` (nothing left to flow): supervisory;
 * - a pump test or an end-of-line test looks like a head flowing: it is told by its window (a
 *   scheduled window, or the `test` event of the device), which tags the alert `test`.
 *
 * A short surge that recovers above half the drop cancels the candidate. Latched like every fire
 * alarm (docs/rules.md); `holdSec` is the retard of a waterflow switch, not a verification delay.
 */
export class FlowRule implements ReadingRule {
  active = false
  private readonly drop: RateRule
  private readonly delta: number
  private readonly floor: number
  private readonly holdMs: number
  /** The level before the fall of the current candidate; NaN when there is none. */
  private level = Number.NaN
  private belowSince = Number.NaN

  constructor(params: RuleParams) {
    this.drop = new RateRule({ ...params, latch: false, clearHoldSec: params.windowSec }, true)
    this.delta = params.delta
    this.floor = params.threshold
    this.holdMs = params.holdSec * 1000
  }

  update(value: number, ts: number): Transition {
    const fell = this.drop.update(value, ts)
    if (this.active) return STAY
    if (fell === RAISE) {
      this.level = this.drop.levelBeforeDrop
      this.belowSince = Number.NaN
    }
    if (Number.isNaN(this.level)) return STAY
    if (value < this.floor || value >= this.level - this.delta / 2) {
      // Drained (burst) or recovered (surge, water hammer): not a head flowing.
      this.level = Number.NaN
      return STAY
    }
    if (value >= this.level - this.delta) {
      this.belowSince = Number.NaN
      return STAY
    }
    if (Number.isNaN(this.belowSince)) this.belowSince = ts
    if (ts - this.belowSince < this.holdMs) return STAY
    this.active = true
    this.level = Number.NaN
    return RAISE
  }

  reset(): void {
    this.active = false
    this.drop.reset()
    this.level = Number.NaN
    this.belowSince = Number.NaN
  }

  forceActive(): void {
    this.reset()
    this.active = true
  }
}
