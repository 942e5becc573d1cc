/**
 * Time is injected (docs/architecture.md, "The injected clock"). Epoch milliseconds rather than a
 * Date so that the hot path allocates nothing to read the time.
 */
export interface Clock {
  now(): number
}
