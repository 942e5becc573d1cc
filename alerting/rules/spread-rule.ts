import type { RuleParams } from '../rule-catalog.ts'
import { decimalDiff } from './decimal-diff.ts'
import { ThresholdRule } from './threshold-rule.ts'
import { STAY, type Transition } from './transition.ts'

/** A monitor with more channels than this has its extra channels left out of the spread. */
export const MAX_SPREAD_CHANNELS = 16

/**
 * 'spread' rules (cable_temp.imbalance): the difference between the highest and the lowest latest
 * value across the channels of one device's metric family (temperature_c:l1, :l2, :l3...). The
 * spread is then judged like an 'above' rule with threshold = `delta` (raise at >= delta for
 * `samples` consecutive readings of any channel) and `clear`/`clearHoldSec` for the clear.
 *
 * A channel that has not reported for `staleMs` (the device's offline horizon) is left out, so a
 * phase whose sensor died does not hold the last value it sent against the others forever. At
 * least two fresh channels are needed; with fewer the rule neither raises nor clears.
 */
export class SpreadRule {
  /** The spread computed on the latest reading, for the signal's value. */
  lastSpread = 0
  private readonly values = new Float64Array(MAX_SPREAD_CHANNELS)
  private readonly seenAt = new Float64Array(MAX_SPREAD_CHANNELS).fill(Number.NEGATIVE_INFINITY)
  private channels = 0
  private readonly judge: ThresholdRule

  constructor(
    params: RuleParams,
    private readonly staleMs: number,
  ) {
    this.judge = new ThresholdRule({ ...params, threshold: params.delta }, true)
  }

  get active(): boolean {
    return this.judge.active
  }

  /** A slot for a new channel (once per metric name); -1 when every slot is taken. */
  addChannel(): number {
    return this.channels < MAX_SPREAD_CHANNELS ? this.channels++ : -1
  }

  update(channel: number, value: number, ts: number): Transition {
    this.values[channel] = value
    this.seenAt[channel] = ts
    let min = Number.POSITIVE_INFINITY
    let max = Number.NEGATIVE_INFINITY
    let fresh = 0
    for (let i = 0; i < this.channels; i++) {
      if (ts - this.seenAt[i]! > this.staleMs) continue
      const v = this.values[i]!
      if (v < min) min = v
      if (v > max) max = v
      fresh++
    }
    if (fresh < 2) return STAY
    this.lastSpread = decimalDiff(max, min)
    return this.judge.update(this.lastSpread, ts)
  }

  reset(): void {
    this.judge.reset()
  }

  forceActive(): void {
    this.judge.forceActive()
  }
}
