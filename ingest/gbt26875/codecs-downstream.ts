// Downstream objects (centre -> UITD): GB/T 26875.3-2011 §8.3.2, types 61-91.

import { tagBytes } from './codecs-upstream.ts'
import { TIME_TAG_BYTES } from './constants.ts'
import { le, type ObjectCodec, readSystem, systemBytes, u32 } from './object-codec.ts'
import type { ObjectTypes, PartQuery, ReservedByte, SystemRef } from './objects.ts'
import { readTimeTag } from './time-tag.ts'

type DownstreamKind = Exclude<
  keyof ObjectTypes,
  | 'systemStatus'
  | 'partStatus'
  | 'partAnalogue'
  | 'systemOperation'
  | 'systemSoftware'
  | 'systemConfig'
  | 'partConfig'
  | 'systemTime'
  | 'uitdStatus'
  | 'uitdOperation'
  | 'uitdSoftware'
  | 'uitdConfig'
  | 'uitdTime'
>

const bytes = (list: number[]) => Uint8Array.from(list)

const system: ObjectCodec<SystemRef> = {
  size: 2,
  stamped: false,
  read: (b, at) => readSystem(b, at),
  write: (o) => bytes(systemBytes(o)),
}

/** Parts are queried by system and part address; the standard's query has no part type. */
const part: ObjectCodec<PartQuery> = {
  size: 6,
  stamped: false,
  read: (b, at) => ({ ...readSystem(b, at), partAddress: u32(b, at + 2) }),
  write: (o) => bytes([...systemBytes(o), ...le([o.partAddress, 4])]),
}

const reserved: ObjectCodec<ReservedByte> = {
  size: 1,
  stamped: false,
  read: (b, at) => ({ reserved: b[at]! }),
  write: (o) => bytes(le([o.reserved, 1])),
}

export const DOWNSTREAM_CODECS: { [K in DownstreamKind]: ObjectCodec<ObjectTypes[K]> } = {
  readSystemStatus: system,
  readPartStatus: part,
  readPartAnalogue: part,
  readSystemOperations: {
    size: 3 + TIME_TAG_BYTES,
    stamped: false,
    read: (b, at) => ({ ...readSystem(b, at), count: b[at + 2]!, since: readTimeTag(b, at + 3) }),
    write: (o) => bytes([...systemBytes(o), ...le([o.count, 1]), ...tagBytes(o.since)]),
  },
  readSystemSoftware: system,
  readSystemConfig: system,
  readPartConfig: part,
  readSystemTime: system,
  readUitdStatus: reserved,
  readUitdOperations: {
    size: 1 + TIME_TAG_BYTES,
    stamped: false,
    read: (b, at) => ({ count: b[at]!, since: readTimeTag(b, at + 1) }),
    write: (o) => bytes([...le([o.count, 1]), ...tagBytes(o.since)]),
  },
  readUitdSoftware: reserved,
  readUitdConfig: reserved,
  readUitdTime: reserved,
  initialiseUitd: reserved,
  syncUitdClock: {
    // 6 bytes (the sample frames) or 7 with a reserved byte first (the Rust implementation); the
    // bytes left, shared by the objects left, tell which.
    size: (_b, at, end, left) => {
      const each = (end - at) / left
      return each === TIME_TAG_BYTES || each === TIME_TAG_BYTES + 1 ? each : null
    },
    stamped: false,
    read: (b, at, size) =>
      size === TIME_TAG_BYTES
        ? { clock: readTimeTag(b, at) }
        : { reserved: b[at]!, clock: readTimeTag(b, at + 1) },
    write: (o) =>
      bytes(o.reserved === undefined ? tagBytes(o.clock) : [...le([o.reserved, 1]), ...tagBytes(o.clock)]),
  },
  patrol: reserved,
}
