/**
 * Time is injected (DESIGN.md). Epoch milliseconds rather than a Date so that the hot path
 * allocates nothing to read the time.
 */
export interface Clock {
  now(): number
}
