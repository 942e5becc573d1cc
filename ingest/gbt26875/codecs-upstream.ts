// Upstream objects (UITD -> centre): GB/T 26875.3-2011 §8.2.1 and §8.3.1, types 1-8 and 21-28.
import { DESCRIPTION_BYTES, TIME_TAG_BYTES } from './constants.ts'
import { decodeText, encodeFixedText } from './gb18030.ts'
import {
  i16,
  le,
  lengthPrefixed,
  type ObjectCodec,
  partBytes,
  readPart,
  readSystem,
  systemBytes,
} from './object-codec.ts'
import type { ObjectTypes } from './objects.ts'
import { readTimeTag, type TimeTag, writeTimeTag } from './time-tag.ts'

type Codecs<K extends keyof ObjectTypes> = { [P in K]: ObjectCodec<ObjectTypes[P]> }

const bytes = (list: number[]) => Uint8Array.from(list)

function tagBytes(tag: TimeTag): number[] {
  const out = new Uint8Array(TIME_TAG_BYTES)
  writeTimeTag(out, 0, tag)
  return [...out]
}

/** A length-prefixed GB 18030 text: the L byte, then the text padded to `fieldBytes` if given. */
function variableText(description: string, fieldBytes: number | undefined): number[] {
  const text = encodeFixedText(description, fieldBytes ?? 255)
  const length = fieldBytes ?? trimmedLength(text)
  return [length, ...text.subarray(0, length)]
}

function trimmedLength(text: Uint8Array): number {
  let n = text.length
  while (n > 0 && text[n - 1] === 0) n--
  return n
}

/** Decoded text and, when NUL padding was stripped, the field length to pad back to. */
function readVariableText(buf: Uint8Array, at: number): { description: string; fieldBytes?: number } {
  const length = buf[at]!
  const field = buf.subarray(at + 1, at + 1 + length)
  const description = decodeText(field)
  return trimmedLength(field) === length ? { description } : { description, fieldBytes: length }
}

export const BUILDING_CODECS: Codecs<
  | 'systemStatus'
  | 'partStatus'
  | 'partAnalogue'
  | 'systemOperation'
  | 'systemSoftware'
  | 'systemConfig'
  | 'partConfig'
  | 'systemTime'
> = {
  systemStatus: {
    size: 4,
    stamped: true,
    read: (b, at) => ({ ...readSystem(b, at), status: b[at + 2]! | (b[at + 3]! << 8) }),
    write: (o) => bytes([...systemBytes(o), ...le([o.status, 2])]),
  },
  partStatus: {
    size: 9 + DESCRIPTION_BYTES,
    stamped: true,
    read: (b, at) => ({
      ...readPart(b, at),
      status: b[at + 7]! | (b[at + 8]! << 8),
      description: decodeText(b.subarray(at + 9, at + 9 + DESCRIPTION_BYTES)),
    }),
    write: (o) =>
      bytes([...partBytes(o), ...le([o.status, 2]), ...encodeFixedText(o.description, DESCRIPTION_BYTES)]),
  },
  partAnalogue: {
    size: 10,
    stamped: true,
    read: (b, at) => ({ ...readPart(b, at), quantity: b[at + 7]!, raw: i16(b, at + 8) }),
    write: (o) => bytes([...partBytes(o), ...le([o.quantity, 1], [o.raw, 2])]),
  },
  systemOperation: {
    size: 4,
    stamped: true,
    read: (b, at) => ({ ...readSystem(b, at), operation: b[at + 2]!, operator: b[at + 3]! }),
    write: (o) => bytes([...systemBytes(o), ...le([o.operation, 1], [o.operator, 1])]),
  },
  systemSoftware: {
    size: 4,
    stamped: false,
    read: (b, at) => ({ ...readSystem(b, at), major: b[at + 2]!, minor: b[at + 3]! }),
    write: (o) => bytes([...systemBytes(o), ...le([o.major, 1], [o.minor, 1])]),
  },
  systemConfig: {
    size: lengthPrefixed(2),
    stamped: false,
    read: (b, at) => ({ ...readSystem(b, at), ...readVariableText(b, at + 2) }),
    write: (o) => bytes([...systemBytes(o), ...variableText(o.description, o.fieldBytes)]),
  },
  partConfig: {
    size: 7 + DESCRIPTION_BYTES,
    stamped: false,
    read: (b, at) => ({
      ...readPart(b, at),
      description: decodeText(b.subarray(at + 7, at + 7 + DESCRIPTION_BYTES)),
    }),
    write: (o) => bytes([...partBytes(o), ...encodeFixedText(o.description, DESCRIPTION_BYTES)]),
  },
  systemTime: {
    size: 2 + TIME_TAG_BYTES,
    stamped: false,
    read: (b, at) => ({ ...readSystem(b, at), clock: readTimeTag(b, at + 2) }),
    write: (o) => bytes([...systemBytes(o), ...tagBytes(o.clock)]),
  },
}

export const UITD_CODECS: Codecs<
  'uitdStatus' | 'uitdOperation' | 'uitdSoftware' | 'uitdConfig' | 'uitdTime'
> = {
  uitdStatus: {
    size: 1,
    stamped: true,
    read: (b, at) => ({ status: b[at]! }),
    write: (o) => bytes(le([o.status, 1])),
  },
  uitdOperation: {
    size: 2,
    stamped: true,
    read: (b, at) => ({ operation: b[at]!, operator: b[at + 1]! }),
    write: (o) => bytes(le([o.operation, 1], [o.operator, 1])),
  },
  uitdSoftware: {
    size: 2,
    stamped: false,
    read: (b, at) => ({ major: b[at]!, minor: b[at + 1]! }),
    write: (o) => bytes(le([o.major, 1], [o.minor, 1])),
  },
  uitdConfig: {
    size: lengthPrefixed(0),
    stamped: false,
    read: (b, at) => readVariableText(b, at),
    write: (o) => bytes(variableText(o.description, o.fieldBytes)),
  },
  uitdTime: {
    size: TIME_TAG_BYTES,
    stamped: false,
    read: (b, at) => ({ clock: readTimeTag(b, at) }),
    write: (o) => bytes(tagBytes(o.clock)),
  },
}

export { tagBytes }
