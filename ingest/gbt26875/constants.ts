// GB/T 26875.3-2011 numbers, as implemented: docs/gbt26875.md gives the layout and the sources.

/** '@@' and '##'. */
export const START_BYTE = 0x40
export const END_BYTE = 0x23

/** Bytes before the application data: start(2) serial(2) version(2) time(6) src(6) dst(6) len(2) cmd(1). */
export const HEADER_BYTES = 27
/** Bytes after it: checksum(1) end(2). */
export const TRAILER_BYTES = 3
/** A frame with empty application data (a bare confirm, deny or heartbeat). */
export const MIN_FRAME_BYTES = HEADER_BYTES + TRAILER_BYTES
/** The standard caps the application data unit at 1024 bytes. */
export const MAX_DATA_BYTES = 1024
export const DEFAULT_MAX_FRAME_BYTES = MIN_FRAME_BYTES + MAX_DATA_BYTES

/** Offsets inside a frame. */
export const OFFSET = {
  serial: 2,
  version: 4,
  time: 6,
  source: 12,
  destination: 18,
  dataLength: 24,
  command: 26,
  data: 27,
} as const

/** The command byte (控制单元命令字节). 0 and 7..127 are reserved, 128..255 user-defined. */
export const Command = {
  control: 1,
  sendData: 2,
  confirm: 3,
  request: 4,
  response: 5,
  deny: 6,
} as const
export type CommandCode = (typeof Command)[keyof typeof Command]

export function isKnownCommand(code: number): code is CommandCode {
  return code >= Command.control && code <= Command.deny
}

/** Type flags (类型标志) of the application data unit. */
export const TypeFlag = {
  systemStatus: 1,
  partStatus: 2,
  partAnalogue: 3,
  systemOperation: 4,
  systemSoftware: 5,
  systemConfig: 6,
  partConfig: 7,
  systemTime: 8,
  uitdStatus: 21,
  uitdOperation: 24,
  uitdSoftware: 25,
  uitdConfig: 26,
  uitdTime: 28,
  readSystemStatus: 61,
  readPartStatus: 62,
  readPartAnalogue: 63,
  readSystemOperations: 64,
  readSystemSoftware: 65,
  readSystemConfig: 66,
  readPartConfig: 67,
  readSystemTime: 68,
  readUitdStatus: 81,
  readUitdOperations: 84,
  readUitdSoftware: 85,
  readUitdConfig: 86,
  readUitdTime: 88,
  initialiseUitd: 89,
  syncUitdClock: 90,
  patrol: 91,
} as const
export type TypeFlagName = keyof typeof TypeFlag

/** Text fields are GB 18030 strings of fixed length, padded with NUL. */
export const DESCRIPTION_BYTES = 31
export const TIME_TAG_BYTES = 6
