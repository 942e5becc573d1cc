import type { ErrorCode } from '../../ingest/error-codes.ts'
import {
  type Command,
  type DataUnit,
  encodeDataUnit,
  encodeFrame,
  type FrameErrorReason,
  type FrameHeader,
  type FrameOptions,
  type TimeTag,
} from '../../ingest/gbt26875/index.ts'

import type { DenyReason } from './uitd-types.ts'

const NO_DATA = new Uint8Array(0)

/** The error code logged with each deny reason. */
export const DENY_CODES: Record<DenyReason, ErrorCode> = {
  checksum: 'FGW_ERR_UITD_CHECKSUM',
  'unknown-command': 'FGW_ERR_UITD_UNKNOWN_COMMAND',
  length: 'FGW_ERR_UITD_DATA_UNIT',
  'unknown-type': 'FGW_ERR_UITD_UNKNOWN_TYPE',
  'unexpected-command': 'FGW_ERR_UITD_UNEXPECTED',
  'unexpected-type': 'FGW_ERR_UITD_UNEXPECTED',
  'not-allowed': 'FGW_ERR_UITD_NOT_ALLOWED',
  'address-changed': 'FGW_ERR_UITD_ADDRESS_CHANGED',
  'sink-error': 'FGW_ERR_UITD_SINK',
}

/** The error code logged with bytes that were no valid frame. */
export function badBytesCode(reason: FrameErrorReason): ErrorCode {
  if (reason === 'checksum') return 'FGW_ERR_UITD_CHECKSUM'
  if (reason === 'unknown-command') return 'FGW_ERR_UITD_UNKNOWN_COMMAND'
  return 'FGW_ERR_UITD_FRAME'
}

/** A confirm or deny of a frame: its serial echoed, the addresses swapped, no data (as the samples). */
export function answerFrame(
  to: FrameHeader,
  command: typeof Command.confirm | typeof Command.deny,
  time: TimeTag,
  opts: FrameOptions,
): Buffer {
  return encodeFrame(
    {
      serial: to.serial,
      version: to.version,
      time,
      source: to.destination,
      destination: to.source,
      command,
      data: NO_DATA,
    },
    opts,
  )
}

/** One of our own commands to a UITD. */
export function commandFrame(
  c: { serial: number; version: FrameHeader['version']; time: TimeTag; centre: number; uitd: number },
  command: number,
  unit: DataUnit,
  opts: FrameOptions,
): Buffer {
  const header = { serial: c.serial, version: c.version, time: c.time, command }
  return encodeFrame({ ...header, source: c.centre, destination: c.uitd, data: encodeDataUnit(unit) }, opts)
}

const QUIET_MS = 60_000
const MAX_KEYS = 10_000

/** Logs a repeated warning once a minute per key: a UITD that floods bad frames is one line a minute. */
export class QuietLog {
  private readonly last = new Map<string, number>()

  constructor(
    private readonly log: { warn(obj: object, msg?: string): void },
    private readonly clock: { now(): number },
  ) {}

  warn(key: string, obj: object, msg: string): void {
    const now = this.clock.now()
    const last = this.last.get(key)
    if (last !== undefined && now - last < QUIET_MS) return
    if (this.last.size >= MAX_KEYS) this.last.clear()
    this.last.set(key, now)
    this.log.warn(obj, `${msg} (logged once a minute per UITD and reason)`)
  }
}
