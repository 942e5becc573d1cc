const SVG = 'http://www.w3.org/2000/svg'

export interface Point {
  ts: number
  value: number
}

/** The polyline's `points` for a series scaled into width × height (y grows downwards in SVG). */
export function sparklinePoints(series: readonly Point[], width: number, height: number): string {
  if (series.length === 0) return ''
  let [t0, t1, lo, hi] = [Infinity, -Infinity, Infinity, -Infinity]
  for (const p of series) {
    t0 = Math.min(t0, p.ts)
    t1 = Math.max(t1, p.ts)
    lo = Math.min(lo, p.value)
    hi = Math.max(hi, p.value)
  }
  // A flat series sits in the middle; a single point at the right edge (it is the latest).
  const x = (ts: number) => (t1 === t0 ? width : ((ts - t0) / (t1 - t0)) * width)
  const y = (v: number) => (hi === lo ? height / 2 : height - ((v - lo) / (hi - lo)) * height)
  return series.map((p) => `${x(p.ts).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ')
}

/**
 * An inline SVG sparkline (no chart library, no canvas: it scales with the page and prints). A
 * dashed line marks the alert threshold when it falls inside the range shown.
 */
export function sparkline(series: readonly Point[], threshold: number | null = null): SVGSVGElement {
  const [width, height] = [240, 48]
  const svg = document.createElementNS(SVG, 'svg')
  svg.setAttribute('viewBox', `-2 -2 ${width + 4} ${height + 4}`)
  svg.setAttribute('class', 'sparkline')
  svg.setAttribute('role', 'img')
  svg.setAttribute('preserveAspectRatio', 'none')
  const values = series.map((p) => p.value)
  const [lo, hi] = [Math.min(...values), Math.max(...values)]
  if (threshold !== null && threshold >= lo && threshold <= hi && hi > lo) {
    const y = (height - ((threshold - lo) / (hi - lo)) * height).toFixed(1)
    const line = document.createElementNS(SVG, 'line')
    for (const [k, v] of [
      ['x1', '0'],
      ['x2', String(width)],
      ['y1', y],
      ['y2', y],
    ])
      line.setAttribute(k!, v!)
    line.setAttribute('class', 'sparkline-threshold')
    svg.append(line)
  }
  const poly = document.createElementNS(SVG, 'polyline')
  poly.setAttribute('points', sparklinePoints(series, width, height))
  poly.setAttribute('class', 'sparkline-line')
  poly.setAttribute('vector-effect', 'non-scaling-stroke')
  svg.append(poly)
  return svg
}
