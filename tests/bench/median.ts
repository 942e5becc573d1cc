/** The median of the numbers among `values` (the mean of the middle two for an even count); null when there is none. */
export function median(values: readonly (number | null)[]): number | null {
  const sorted = values.filter((x): x is number => x !== null && Number.isFinite(x)).sort((a, b) => a - b)
  if (sorted.length === 0) return null
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** The median of measurements a bench has just taken: there is at least one. */
export function medianOfRuns(values: readonly number[]): number {
  const m = median(values)
  if (m === null) throw new Error('no measurement to take the median of')
  return m
}
