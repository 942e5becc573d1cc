/** Longest wait between attempts: short for fire, which must get through (docs/rules.md). */
const CAP_MS = { urgent: 30_000, normal: 300_000 }
const FIRST_MS = 1_000
/** A provider's Retry-After is honoured, up to this much. */
const MAX_RETRY_AFTER_MS = 3_600_000

/**
 * Delay before attempt `attempt + 1`: exponential from 1 s, capped, with "equal jitter" (half
 * fixed, half random) so that retries of many jobs after one outage do not arrive together; never
 * sooner than the provider's Retry-After.
 */
export function retryDelayMs(
  attempt: number,
  retryAfterMs: number | undefined,
  urgent: boolean,
  random: () => number,
): number {
  const cap = urgent ? CAP_MS.urgent : CAP_MS.normal
  const exponential = Math.min(cap, FIRST_MS * 2 ** Math.max(0, attempt - 1))
  const jittered = exponential / 2 + (random() * exponential) / 2
  const asked = Math.min(Math.max(0, retryAfterMs ?? 0), MAX_RETRY_AFTER_MS)
  return Math.round(Math.max(jittered, asked))
}
