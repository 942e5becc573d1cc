/**
 * a - b, rounded to 9 decimals. Sensors report decimal values (0.40 MPa, 60.3 °C) and binary
 * floating point makes 0.40 - 0.35 = 0.05000000000000004 and 60.3 - 40.3 = 19.999999999999996;
 * a change of exactly `delta` must compare equal to `delta`, not just above or below it.
 */
export function decimalDiff(a: number, b: number): number {
  return Math.round((a - b) * 1e9) / 1e9
}
