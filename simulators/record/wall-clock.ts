import { performance } from 'node:perf_hooks'

/**
 * Time as the recorder and the live replayer see it (time is injected: docs/architecture.md). `wall` stamps
 * files and payloads; `monotonic` measures intervals, so a wall-clock step (NTP) never makes a
 * recording's `t` go backwards or a replay stall.
 */
export interface SimClock {
  /** Epoch milliseconds. */
  wall(): number
  /** Milliseconds from an arbitrary origin, never decreasing. */
  monotonic(): number
}

/** The one place in the recorder and replayer that reads the real clocks. */
export const systemClock: SimClock = {
  wall: () => Date.now(),
  monotonic: () => performance.now(),
}
