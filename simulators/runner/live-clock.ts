import { performance } from 'node:perf_hooks'

/**
 * The real clocks, for the live runner and for timing runs (docs/architecture.md: the one place in the
 * runners that reads them). `wall` stamps device payloads; `monotonic` paces the timeline, so a
 * wall-clock step (NTP) never makes the timeline jump.
 */
export interface RealClock {
  /** Epoch milliseconds. */
  wall(): number
  /** Milliseconds from an arbitrary origin, never decreasing. */
  monotonic(): number
}

export const realClock: RealClock = {
  wall: () => Date.now(),
  monotonic: () => performance.now(),
}

/** ISO 8601 text -> epoch ms (alert times from the API or the store); NaN when not a time. */
export function epochOf(iso: string): number {
  return Date.parse(iso)
}
