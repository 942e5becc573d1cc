import type { Reading } from '../reading.ts'

// InfluxDB line protocol, one line per reading:
//   <family>,building=…,channel=…,device=…,floor=…,kind=…,zone=… value=<float> <epoch ms>
// Tag keys are sorted (what InfluxDB stores them as, so it skips sorting). The value has no `i`
// suffix, so it is always a float field even when a device sends an integer such as 97: a field's
// type is fixed by its first write, and a mixed type would make InfluxDB refuse later writes.

/** Tag values and keys escape `,`, `=` and space; a line break cannot be escaped at all. */
export function escapeTag(text: string): string {
  // A trailing backslash would escape the separator after it, and versions disagree on `\\`: drop it.
  const escaped = text
    .replace(/[\r\n]+/g, ' ')
    .replace(/\\+$/, '')
    .replace(/([,= ])/g, '\\$1')
  // An empty tag value makes the whole line invalid.
  return escaped === '' ? '_' : escaped
}

/** Measurement names escape `,` and space. */
export function escapeMeasurement(text: string): string {
  return text.replace(/[\r\n]+/g, ' ').replace(/([, ])/g, '\\$1')
}

/** A float field value: InfluxDB parses `1`, `1.5` and `1e-7` alike as floats. */
export function floatField(value: number): string {
  return String(value)
}

/**
 * Everything before ` value=`: the same for every reading of a device's metric, so it is built once
 * and kept (bounded by the site's devices × metric names they send).
 */
export class LinePrefixes {
  private readonly prefixes = new Map<string, string>()

  constructor(private readonly max = 100_000) {}

  line(r: Reading): string {
    const key = `${r.device}\u0000${r.metric}`
    let prefix = this.prefixes.get(key)
    if (prefix === undefined) {
      prefix = linePrefix(r)
      if (this.prefixes.size < this.max) this.prefixes.set(key, prefix)
    }
    return `${prefix} value=${floatField(r.value)} ${Math.round(r.ts)}`
  }
}

export function linePrefix(r: Reading): string {
  const channel = r.channel === null ? '' : `,channel=${escapeTag(r.channel)}`
  return (
    `${escapeMeasurement(r.family)},building=${escapeTag(r.building)}${channel}` +
    `,device=${escapeTag(r.device)},floor=${r.floor},kind=${escapeTag(r.kind)},zone=${escapeTag(r.zone)}`
  )
}
