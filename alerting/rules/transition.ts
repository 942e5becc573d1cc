import type { RuleParams } from '../rule-catalog.ts'

// What one rule state decided about one input. Plain numbers, not objects, so that evaluating a
// reading allocates nothing unless an alert actually changes.
export const STAY = 0
export const RAISE = 1
export const CLEAR = 2
export type Transition = typeof STAY | typeof RAISE | typeof CLEAR

/** The state of one rule for one metric name of one device (threshold and rate rules). */
export interface ReadingRule {
  readonly active: boolean
  update(value: number, ts: number): Transition
  /** A person resolved the alert (rearm): forget the raised state and every partial count. */
  reset(): void
  /** Start raised: the alert was open before a restart, so the normal clear logic must end it. */
  forceActive(): void
  /** Heightened watch: take new params in place (threshold rules only; others keep theirs). */
  retune?(params: RuleParams): void
}
