/**
 * Marks the wall's own work in the browser's performance timeline (User Timing), for the wall
 * benchmark (tests/bench/wall.ts). Off unless localStorage `firewatch.perf` is set: entries are
 * kept until cleared, and a wall runs for weeks.
 */
const enabled = localStorage.getItem('firewatch.perf') === '1'

export function timed<T>(name: string, work: () => T): T {
  if (!enabled) return work()
  const start = performance.now()
  try {
    return work()
  } finally {
    performance.measure(name, { start, end: performance.now() })
  }
}
