// The blob of a reading chunk (sqlite-tables.ts): the readings of one series as float64 pairs,
// [ts, value, ts, value, ...], in time order, in the host's byte order (little-endian on every
// platform Node supports).

/** A series' readings as [ts, value] pairs, flat. */
export type Points = number[]

export function encodeChunk(points: Points): Buffer {
  const packed = new Float64Array(points)
  return Buffer.from(packed.buffer, packed.byteOffset, packed.byteLength)
}

export function decodeChunk(blob: Uint8Array): Float64Array {
  // A copy: a Float64Array needs an offset that is a multiple of 8, which a blob's bytes need not have.
  const bytes = new Uint8Array(blob.byteLength)
  bytes.set(blob)
  return new Float64Array(bytes.buffer)
}

/**
 * The readings of one series in [from, to], in time order, from its chunks and then its recent rows;
 * where a ts was written more than once (a batch replayed from the spool), the last one written.
 */
export function mergeSeries(chunks: readonly Uint8Array[], recent: Points, from: number, to: number): Points {
  const pairs: [number, number][] = []
  for (const blob of chunks) {
    const points = decodeChunk(blob)
    for (let i = 0; i < points.length; i += 2) {
      const ts = points[i]!
      if (ts >= from && ts <= to) pairs.push([ts, points[i + 1]!])
    }
  }
  for (let i = 0; i < recent.length; i += 2) pairs.push([recent[i]!, recent[i + 1]!])
  // A stable sort: of equal ts, the one written last stays last.
  pairs.sort((a, b) => a[0] - b[0])
  const merged: Points = []
  for (let i = 0; i < pairs.length; i++) {
    const next = pairs[i + 1]
    if (next && next[0] === pairs[i]![0]) continue
    merged.push(pairs[i]![0], pairs[i]![1])
  }
  return merged
}
