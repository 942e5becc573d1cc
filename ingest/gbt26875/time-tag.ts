import { fromWall, toWall } from '../wall-clock.ts'
import { TIME_TAG_BYTES } from './constants.ts'

/**
 * A time tag as sent: second, minute, hour, day, month, year - 2000, one byte each, in the local
 * time of whoever sent it (the standard names no time zone). Kept as the raw fields so that a tag
 * decodes and encodes back to the same bytes even when it is not a valid date.
 */
export interface TimeTag {
  second: number
  minute: number
  hour: number
  day: number
  month: number
  /** Full year: the byte plus 2000. */
  year: number
}

export function readTimeTag(buf: Uint8Array, offset: number): TimeTag {
  return {
    second: buf[offset]!,
    minute: buf[offset + 1]!,
    hour: buf[offset + 2]!,
    day: buf[offset + 3]!,
    month: buf[offset + 4]!,
    year: 2000 + buf[offset + 5]!,
  }
}

export function writeTimeTag(buf: Uint8Array, offset: number, tag: TimeTag): void {
  const fields = [tag.second, tag.minute, tag.hour, tag.day, tag.month, tag.year - 2000]
  for (let i = 0; i < TIME_TAG_BYTES; i++) {
    const v = fields[i]!
    if (!Number.isInteger(v) || v < 0 || v > 255)
      throw new RangeError(`time tag field ${i} out of range: ${v}`)
    buf[offset + i] = v
  }
}

/** The tag as a local wall instant (epoch ms of the local time written as UTC), or null if no date. */
export function timeTagWall(tag: TimeTag): number | null {
  const { second, minute, hour, day, month, year } = tag
  if (second > 59 || minute > 59 || hour > 23 || day < 1 || month < 1 || month > 12 || year > 2099)
    return null
  const wall = Date.UTC(year, month - 1, day, hour, minute, second)
  // Date.UTC rolls 31 February into March: a day the month does not have is no date.
  if (new Date(wall).getUTCDate() !== day) return null
  return wall
}

/** Epoch ms of a tag read in the given IANA time zone, or null when the tag is not a valid date. */
export function timeTagToEpochMs(tag: TimeTag, timeZone: string): number | null {
  const wall = timeTagWall(tag)
  return wall === null ? null : wall + zoneOffset(fromWallOffsets, fromWall, wall, timeZone)
}

/** The tag of an instant in the given time zone (whole seconds). */
export function epochMsToTimeTag(epochMs: number, timeZone: string): TimeTag {
  const d = new Date(epochMs + zoneOffset(toWallOffsets, toWall, epochMs, timeZone))
  return {
    second: d.getUTCSeconds(),
    minute: d.getUTCMinutes(),
    hour: d.getUTCHours(),
    day: d.getUTCDate(),
    month: d.getUTCMonth() + 1,
    year: d.getUTCFullYear(),
  }
}

// Every frame carries tags both ways, and Intl's formatToParts (under toWall / fromWall) costs
// microseconds a call: the offset of a zone is remembered per minute, which is as often as any
// zone's offset can change (transitions fall on whole minutes since 1970).
const MINUTE_MS = 60_000
const OFFSET_CACHE_MAX = 4_096
const toWallOffsets = new Map<string, number>()
const fromWallOffsets = new Map<string, number>()

function zoneOffset(
  cache: Map<string, number>,
  convert: (ms: number, tz: string) => number,
  ms: number,
  timeZone: string,
): number {
  const minute = Math.floor(ms / MINUTE_MS) * MINUTE_MS
  const key = `${timeZone}|${minute}`
  let offset = cache.get(key)
  if (offset === undefined) {
    offset = convert(minute, timeZone) - minute
    if (cache.size >= OFFSET_CACHE_MAX) cache.clear()
    cache.set(key, offset)
  }
  return offset
}
