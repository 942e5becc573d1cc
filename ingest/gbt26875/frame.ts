import { END_BYTE, HEADER_BYTES, isKnownCommand, MIN_FRAME_BYTES, OFFSET, START_BYTE } from './constants.ts'
import { readTimeTag, type TimeTag, writeTimeTag } from './time-tag.ts'

/**
 * Byte order of the serial number. The standard (and the Go and Rust implementations) send it low
 * byte first; dgiot reads it high byte first. A reply echoes the two bytes either way, so this only
 * changes the numbers we count our own serials in. docs/gbt26875.md "Byte order".
 */
export type SerialByteOrder = 'le' | 'be'

export interface FrameOptions {
  serialByteOrder?: SerialByteOrder
}

/** The control unit (控制单元) of a frame. Addresses are 6-byte numbers sent low byte first. */
export interface FrameHeader {
  serial: number
  version: { major: number; user: number }
  time: TimeTag
  source: number
  destination: number
  command: number
}

/** A frame whose framing and checksum are right: its header and its application data unit, undecoded. */
export interface Frame extends FrameHeader {
  data: Uint8Array
}

export type FrameErrorReason =
  | 'checksum'
  | 'end-marker'
  | 'oversize'
  | 'unknown-command'
  | 'truncated'
  | 'garbage'

export type FrameDecodeResult =
  | { ok: true; frame: Frame }
  | { ok: false; reason: FrameErrorReason; detail: string; header?: FrameHeader }

/** 8-bit arithmetic sum of buf[from, to), carries dropped. */
export function checksum(buf: Uint8Array, from: number, to: number): number {
  let sum = 0
  for (let i = from; i < to; i++) sum += buf[i]!
  return sum & 0xff
}

export function frameLength(dataLength: number): number {
  return MIN_FRAME_BYTES + dataLength
}

/** The data length a frame header declares (little-endian, as every implementation reads it). */
export function declaredDataLength(buf: Uint8Array, frameStart: number): number {
  return buf[frameStart + OFFSET.dataLength]! | (buf[frameStart + OFFSET.dataLength + 1]! << 8)
}

export function encodeFrame(frame: Frame, opts: FrameOptions = {}): Buffer {
  const n = frame.data.length
  if (n > 0xffff) throw new RangeError(`application data of ${n} bytes does not fit a frame`)
  const buf = Buffer.alloc(frameLength(n))
  buf[0] = START_BYTE
  buf[1] = START_BYTE
  writeSerial(buf, frame.serial, opts.serialByteOrder ?? 'le')
  buf[OFFSET.version] = byte(frame.version.major, 'version.major')
  buf[OFFSET.version + 1] = byte(frame.version.user, 'version.user')
  writeTimeTag(buf, OFFSET.time, frame.time)
  writeAddress(buf, OFFSET.source, frame.source)
  writeAddress(buf, OFFSET.destination, frame.destination)
  buf.writeUInt16LE(n, OFFSET.dataLength)
  buf[OFFSET.command] = byte(frame.command, 'command')
  buf.set(frame.data, OFFSET.data)
  buf[OFFSET.data + n] = checksum(buf, OFFSET.serial, OFFSET.data + n)
  buf[OFFSET.data + n + 1] = END_BYTE
  buf[OFFSET.data + n + 2] = END_BYTE
  return buf
}

/** The header of a frame starting at `start` (needs HEADER_BYTES there). */
export function readHeader(buf: Uint8Array, start: number, opts: FrameOptions = {}): FrameHeader {
  return {
    serial: readSerial(buf, start + OFFSET.serial, opts.serialByteOrder ?? 'le'),
    version: { major: buf[start + OFFSET.version]!, user: buf[start + OFFSET.version + 1]! },
    time: readTimeTag(buf, start + OFFSET.time),
    source: readAddress(buf, start + OFFSET.source),
    destination: readAddress(buf, start + OFFSET.destination),
    command: buf[start + OFFSET.command]!,
  }
}

/**
 * One whole frame: `bytes` must start with '@@' and hold exactly the declared length (the streaming
 * decoder cuts them so). Never throws.
 */
export function decodeFrame(bytes: Uint8Array, opts: FrameOptions = {}): FrameDecodeResult {
  if (bytes.length < MIN_FRAME_BYTES || bytes[0] !== START_BYTE || bytes[1] !== START_BYTE)
    return { ok: false, reason: 'truncated', detail: `${bytes.length} bytes are not a whole frame` }
  const n = declaredDataLength(bytes, 0)
  if (bytes.length !== frameLength(n))
    return { ok: false, reason: 'truncated', detail: `declared ${frameLength(n)} bytes, got ${bytes.length}` }
  const end = HEADER_BYTES + n
  if (bytes[end + 1] !== END_BYTE || bytes[end + 2] !== END_BYTE)
    return { ok: false, reason: 'end-marker', detail: `no '##' after ${n} bytes of data` }
  const header = readHeader(bytes, 0, opts)
  const sum = checksum(bytes, OFFSET.serial, end)
  if (sum !== bytes[end])
    return {
      ok: false,
      reason: 'checksum',
      detail: `sum ${hex(sum)}, frame says ${hex(bytes[end]!)}`,
      header,
    }
  if (!isKnownCommand(header.command))
    return { ok: false, reason: 'unknown-command', detail: `command byte ${header.command}`, header }
  return { ok: true, frame: { ...header, data: bytes.subarray(HEADER_BYTES, end) } }
}

function readSerial(buf: Uint8Array, at: number, order: SerialByteOrder): number {
  return order === 'le' ? buf[at]! | (buf[at + 1]! << 8) : (buf[at]! << 8) | buf[at + 1]!
}

function writeSerial(buf: Buffer, serial: number, order: SerialByteOrder): void {
  if (!Number.isInteger(serial) || serial < 0 || serial > 0xffff) throw new RangeError(`serial ${serial}`)
  if (order === 'le') buf.writeUInt16LE(serial, OFFSET.serial)
  else buf.writeUInt16BE(serial, OFFSET.serial)
}

/** A 6-byte address, low byte first (2^48 is well inside a safe integer). */
export function readAddress(buf: Uint8Array, at: number): number {
  let v = 0
  for (let i = 5; i >= 0; i--) v = v * 256 + buf[at + i]!
  return v
}

function writeAddress(buf: Uint8Array, at: number, address: number): void {
  if (!Number.isInteger(address) || address < 0 || address >= 2 ** 48)
    throw new RangeError(`address ${address}`)
  let v = address
  for (let i = 0; i < 6; i++) {
    buf[at + i] = v % 256
    v = Math.floor(v / 256)
  }
}

function byte(v: number, what: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 255) throw new RangeError(`${what} ${v} is not a byte`)
  return v
}

function hex(v: number): string {
  return `0x${v.toString(16).padStart(2, '0')}`
}
