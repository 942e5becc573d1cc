export interface Spread {
  p50: number | null
  p99: number | null
  max: number | null
}

/** Nearest-rank percentiles, rounded to 0.1 ms; nulls when there is no sample. */
export function spread(samples: ArrayLike<number>): Spread {
  if (samples.length === 0) return { p50: null, p99: null, max: null }
  const sorted = Float64Array.from(samples).sort()
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!)
  return { p50: at(0.5), p99: at(0.99), max: round(sorted[sorted.length - 1]!) }
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10
}
