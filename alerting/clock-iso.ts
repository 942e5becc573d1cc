// Formatting of epoch milliseconds for the public JSON. It lives in a "clock" file because it is
// the one place in alerting/ allowed to construct a Date (no hidden `new Date()`: docs/architecture.md,
// "The injected clock");
// it only formats a given instant and never reads the current time.

/** `2026-11-22T10:00:00.000Z` for an epoch-ms instant. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString()
}

/** Like isoTime, for optional instants. */
export function isoTimeOrNull(ms: number | null): string | null {
  return ms === null ? null : isoTime(ms)
}
