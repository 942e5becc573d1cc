import type { RuleParams } from '../rule-catalog.ts'
import { decimalDiff } from './decimal-diff.ts'
import { CLEAR, RAISE, type ReadingRule, STAY, type Transition } from './transition.ts'

/**
 * Time buckets per look-back window. The window is kept as BUCKETS + 1 fixed buckets holding the
 * highest (drop) or lowest (rise) value seen in each, so memory and work per reading are constant
 * however fast a device reports. Cost of that: the window reaches back between windowSec and
 * windowSec + windowSec / BUCKETS (10 s -> up to 10.6 s; 600 s -> up to 637.5 s). A change within
 * windowSec is always seen; a slightly slower one may also count, which errs on the safe side.
 */
const BUCKETS = 16
const SLOTS = BUCKETS + 1
const LEVEL_TAU_MS = 60_000

/**
 * 'drop' / 'rise' rules (pressure.rapid_drop, cable_temp.rise): raise at once when the value fell
 * (rose) by more than `delta` within the last `windowSec`, measured against the highest (lowest)
 * value in that window.
 *
 * Clearing: no such change for `clearHoldSec` (on reading timestamps, checked on a reading). A
 * 'drop' additionally needs the value back at or above the level before the drop minus `delta`:
 * a broken pipe that keeps the pressure down stays an alert even when the pressure is steady.
 * That level is the lower of the window's peak and the value's slow moving average (time constant
 * LEVEL_TAU_MS) just before the drop: a pump-start water-hammer spike of 1-2 s hardly moves the
 * average, so the fall back from it clears once the pressure settles; a level held for minutes
 * sets it, so a pipe break below it does not.
 * A 'rise' clears on time alone; a temperature that stays high is the threshold rules' business.
 */
export class RateRule implements ReadingRule {
  active = false
  private readonly slotIds = new Float64Array(SLOTS).fill(Number.NEGATIVE_INFINITY)
  private readonly extremes = new Float64Array(SLOTS)
  private readonly widthMs: number
  private readonly delta: number
  private readonly clearHoldMs: number
  private readonly latch: boolean
  private lastChangeAt = Number.NaN
  /** The level before the drop (or rise) that raised the alert. */
  private baseline = Number.NaN
  /** Slow moving average of the value, and the time of the reading it last took in. */
  private level = Number.NaN
  private levelAt = Number.NaN

  constructor(
    params: RuleParams,
    private readonly drop: boolean,
  ) {
    this.widthMs = Math.max(1, (params.windowSec * 1000) / BUCKETS)
    this.delta = params.delta
    this.clearHoldMs = params.clearHoldSec * 1000
    this.latch = params.latch
  }

  update(value: number, ts: number): Transition {
    const change = this.record(value, ts)
    const levelBefore = Number.isNaN(this.level) ? value + change : this.level
    this.follow(value, ts)
    const moved = change > this.delta
    if (!this.active) {
      if (!moved) return STAY
      this.active = true
      this.lastChangeAt = ts
      this.baseline = this.drop ? Math.min(value + change, levelBefore) : value - change
      return RAISE
    }
    if (moved) {
      this.lastChangeAt = ts
      return STAY
    }
    // Restored after a restart: the clear hold starts with the first reading seen.
    if (Number.isNaN(this.lastChangeAt)) this.lastChangeAt = ts
    if (this.latch || ts - this.lastChangeAt < this.clearHoldMs) return STAY
    if (this.drop && value < this.baseline - this.delta) return STAY
    this.active = false
    return CLEAR
  }

  /** The level before the drop (or rise) that raised the alert; NaN before any. */
  get levelBeforeDrop(): number {
    return this.baseline
  }

  reset(): void {
    this.active = false
    this.level = Number.NaN
    this.levelAt = Number.NaN
    this.slotIds.fill(Number.NEGATIVE_INFINITY)
    this.lastChangeAt = Number.NaN
    this.baseline = Number.NaN
  }

  forceActive(): void {
    this.reset()
    this.active = true
    // The level before the drop is unknown after a restart: recovery is judged on time alone.
    this.baseline = this.drop ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY
  }

  private follow(value: number, ts: number): void {
    if (Number.isNaN(this.level) || !(ts > this.levelAt)) {
      if (Number.isNaN(this.level)) this.level = value
      this.levelAt = Number.isNaN(this.levelAt) ? ts : Math.max(this.levelAt, ts)
      return
    }
    this.level += (1 - Math.exp(-(ts - this.levelAt) / LEVEL_TAU_MS)) * (value - this.level)
    this.levelAt = ts
  }

  /** Stores the reading in its bucket; returns how far it is below the window's max (drop) or above its min (rise). */
  private record(value: number, ts: number): number {
    const slot = Math.floor(ts / this.widthMs)
    const pos = ((slot % SLOTS) + SLOTS) % SLOTS
    const held = this.slotIds[pos]!
    if (held < slot) {
      this.slotIds[pos] = slot
      this.extremes[pos] = value
    } else if (held === slot) {
      const e = this.extremes[pos]!
      if (this.drop ? value > e : value < e) this.extremes[pos] = value
    }
    // held > slot: a late reading older than the bucket now there; it still counts below.
    let extreme = value
    const oldest = slot - BUCKETS
    for (let i = 0; i < SLOTS; i++) {
      const id = this.slotIds[i]!
      if (id < oldest || id > slot) continue
      const e = this.extremes[i]!
      if (this.drop ? e > extreme : e < extreme) extreme = e
    }
    return this.drop ? decimalDiff(extreme, value) : decimalDiff(value, extreme)
  }
}
