import type { PartRef, SystemRef } from './objects.ts'

/** How one kind of information object is read and written (its body; the time tag is handled around it). */
export interface ObjectCodec<T> {
  /**
   * Body bytes: fixed, or read from the bytes at `at`, knowing that `left` objects (this one
   * included) share the bytes up to `end` (null = the object does not fit).
   */
  size: number | ((buf: Uint8Array, at: number, end: number, left: number) => number | null)
  /** Whether a 6-byte time tag may follow each body (the standard stamps states, values and records). */
  stamped: boolean
  read(buf: Uint8Array, at: number, size: number): T
  write(obj: T): Uint8Array
}

export function u16(buf: Uint8Array, at: number): number {
  return buf[at]! | (buf[at + 1]! << 8)
}

export function i16(buf: Uint8Array, at: number): number {
  const v = u16(buf, at)
  return v >= 0x8000 ? v - 0x10000 : v
}

export function u32(buf: Uint8Array, at: number): number {
  return (buf[at]! | (buf[at + 1]! << 8) | (buf[at + 2]! << 16) | (buf[at + 3]! << 24)) >>> 0
}

/** Bytes of little-endian fields: [value, width] pairs; throws RangeError on a value that does not fit. */
export function le(...fields: [value: number, width: 1 | 2 | 4][]): number[] {
  const out: number[] = []
  for (const [value, width] of fields) {
    const min = width === 2 && value < 0 ? -0x8000 : 0
    const max = 2 ** (8 * width) - 1
    if (!Number.isInteger(value) || value < min || value > max)
      throw new RangeError(`${value} does not fit ${width} byte(s)`)
    let v = value < 0 ? value + 0x10000 : value
    for (let i = 0; i < width; i++) {
      out.push(v & 0xff)
      v = Math.floor(v / 256)
    }
  }
  return out
}

export function readSystem(buf: Uint8Array, at: number): SystemRef {
  return { systemType: buf[at]!, systemAddress: buf[at + 1]! }
}

/** System type, system address, part type, part address: 7 bytes. */
export function readPart(buf: Uint8Array, at: number): PartRef {
  return { ...readSystem(buf, at), partType: buf[at + 2]!, partAddress: u32(buf, at + 3) }
}

export function systemBytes(s: SystemRef): number[] {
  return le([s.systemType, 1], [s.systemAddress, 1])
}

export function partBytes(p: PartRef): number[] {
  return [...systemBytes(p), ...le([p.partType, 1], [p.partAddress, 4])]
}

/** Size of an object whose length byte sits `prefix` bytes into it: prefix + 1 + L. */
export function lengthPrefixed(prefix: number) {
  return (buf: Uint8Array, at: number, end: number): number | null => {
    if (at + prefix >= end) return null
    const size = prefix + 1 + buf[at + prefix]!
    return at + size <= end ? size : null
  }
}
