/** The longest wait between two attempts: a wall back after a long outage is at most this late. */
const MAX_DELAY_MS = 30_000

/**
 * Wait before attempt `attempt` + 1 (attempt 1 = the first failure): 1, 2, 4, 8, 16, then 30 s,
 * each ±20 % so that the walls that lost the same gateway do not all return in the same second.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY_MS, 1000 * 2 ** Math.max(0, attempt - 1))
  return Math.round(base * (0.8 + 0.4 * random()))
}

/** Whole seconds left until `at`, never below 0: what a "retrying in n s" line shows. */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000))
}
