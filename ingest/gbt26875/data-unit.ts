import { DOWNSTREAM_CODECS } from './codecs-downstream.ts'
import { BUILDING_CODECS, tagBytes, UITD_CODECS } from './codecs-upstream.ts'
import { TIME_TAG_BYTES, TypeFlag } from './constants.ts'
import type { ObjectCodec } from './object-codec.ts'
import type { DataUnit, DataUnitKind, KnownDataUnit, ObjectTypes, Stamped } from './objects.ts'
import { readTimeTag } from './time-tag.ts'

const CODECS: { [K in DataUnitKind]: ObjectCodec<ObjectTypes[K]> } = {
  ...BUILDING_CODECS,
  ...UITD_CODECS,
  ...DOWNSTREAM_CODECS,
}

const KIND_BY_FLAG = new Map<number, DataUnitKind>(
  Object.entries(TypeFlag).map(([kind, flag]) => [flag, kind as DataUnitKind]),
)

export type DataUnitResult = { ok: true; unit: DataUnit } | { ok: false; reason: 'length'; detail: string }

/**
 * The application data unit of a frame: type flag, object count, objects. A type Firewatch does not
 * know is returned opaque, not refused here (the session decides). Never throws.
 */
export function decodeDataUnit(data: Uint8Array): DataUnitResult {
  if (data.length < 2) return fail(`${data.length} byte(s) cannot hold a type flag and an object count`)
  const typeFlag = data[0]!
  const count = data[1]!
  const kind = KIND_BY_FLAG.get(typeFlag)
  if (!kind) return { ok: true, unit: { kind: 'opaque', typeFlag, count, body: data.subarray(2) } }
  const codec = CODECS[kind] as ObjectCodec<unknown>
  const objects =
    typeof codec.size === 'number'
      ? readFixed(codec, codec.size, data, count)
      : readVariable(codec, codec.size, data, count)
  if (typeof objects === 'string') return fail(`type ${typeFlag} (${kind}): ${objects}`)
  return { ok: true, unit: { kind, objects } as KnownDataUnit }
}

/** Bytes of a data unit. Throws RangeError on objects that do not fit their fields (a caller's bug). */
export function encodeDataUnit(unit: DataUnit): Uint8Array {
  if (unit.kind === 'opaque') return Uint8Array.from([unit.typeFlag, unit.count, ...unit.body])
  const codec = CODECS[unit.kind] as ObjectCodec<unknown>
  const objects = unit.objects as (Stamped & object)[]
  if (objects.length > 255) throw new RangeError(`${objects.length} objects; a data unit holds at most 255`)
  const stamped = codec.stamped && objects.length > 0 && objects[0]!.time !== undefined
  const parts: number[] = [TypeFlag[unit.kind], objects.length]
  for (const object of objects) {
    if (codec.stamped && (object.time !== undefined) !== stamped)
      throw new RangeError('either every object of a data unit has a time tag or none has')
    parts.push(...codec.write(object))
    if (stamped) parts.push(...tagBytes(object.time!))
  }
  return Uint8Array.from(parts)
}

/**
 * Fixed-size objects. A stamped type may come with or without the time tags (dgiot accepts both);
 * the body length tells which, and any other length is refused.
 */
function readFixed(codec: ObjectCodec<unknown>, size: number, data: Uint8Array, count: number) {
  const body = data.length - 2
  const stamped = codec.stamped && count > 0 && body === count * (size + TIME_TAG_BYTES)
  if (!stamped && body !== count * size) {
    const expected = codec.stamped
      ? `${count * size} or ${count * (size + TIME_TAG_BYTES)}`
      : `${count * size}`
    return `${count} object(s) need ${expected} bytes, got ${body}`
  }
  const objects: unknown[] = []
  let at = 2
  for (let i = 0; i < count; i++) {
    const object = codec.read(data, at, size) as Stamped
    at += size
    if (stamped) {
      object.time = readTimeTag(data, at)
      at += TIME_TAG_BYTES
    }
    objects.push(object)
  }
  return objects
}

function readVariable(
  codec: ObjectCodec<unknown>,
  sizeOf: (buf: Uint8Array, at: number, end: number, left: number) => number | null,
  data: Uint8Array,
  count: number,
) {
  const objects: unknown[] = []
  let at = 2
  for (let i = 0; i < count; i++) {
    const size = sizeOf(data, at, data.length, count - i)
    if (size === null) return `object ${i + 1} of ${count} does not fit in ${data.length} bytes`
    objects.push(codec.read(data, at, size))
    at += size
  }
  if (at !== data.length) return `${data.length - at} byte(s) left after ${count} object(s)`
  return objects
}

function fail(detail: string): DataUnitResult {
  return { ok: false, reason: 'length', detail }
}
