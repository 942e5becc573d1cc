import { z } from 'zod'
import { DEFAULT_MAX_FRAME_BYTES, MIN_FRAME_BYTES } from '../../ingest/gbt26875/index.ts'

const Count = (min: number, max: number) => z.coerce.number().int().min(min).max(max)
const Ms = (min: number, max: number) => Count(min, max)
const DAY_MS = 86_400_000

const TimeZone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz })
      return true
    } catch {
      return false
    }
  },
  { message: 'not an IANA time zone' },
)

/**
 * Settings of the GB/T 26875.3 receiver: limits, timers and the protocol choices the public
 * implementations disagree on. docs/gbt26875.md explains each one and its default.
 */
export const UitdSettings = z.object({
  port: Count(0, 65_535),
  host: z.string().min(1).default('0.0.0.0'),
  /** Whole frame; the standard caps the data at 1024 bytes (1054 with the frame around it). */
  maxFrameBytes: Count(MIN_FRAME_BYTES, MIN_FRAME_BYTES + 0xffff).default(DEFAULT_MAX_FRAME_BYTES),
  maxConnections: Count(1, 100_000).default(256),
  /** A connection with no bytes for this long is closed (a UITD sends heartbeats every 20-30 s). */
  idleTimeoutMs: Ms(1, DAY_MS).default(120_000),
  /** A connection that has not sent one valid frame by then is closed. */
  identifyTimeoutMs: Ms(1, DAY_MS).default(30_000),
  /** No frame from a UITD for this long: uitdSilent (offline). */
  silenceTimeoutMs: Ms(1, DAY_MS).default(90_000),
  /** A frame with the serial and data of one already delivered, within this window, is a retransmission. */
  dedupWindowMs: Ms(0, DAY_MS).default(120_000),
  dedupMaxEntries: Count(1, 65_536).default(1_024),
  /** Frames of one connection waiting for their sinks before the socket is paused. */
  maxQueuedFrames: Count(1, 10_000).default(64),
  serialByteOrder: z.enum(['le', 'be']).default('le'),
  /** Zone of time tags (read and sent) for UITDs whose identity names none. */
  timeZone: TimeZone.default('Asia/Shanghai'),
  /** Answer a confirm (command 3) that answers nothing of ours, as some UITDs send one as a heartbeat. */
  answerBareConfirm: z.boolean().default(true),
  /** Our own commands (clock, patrol): wait this long for the confirm, send again this many times. */
  downlink: z
    .object({ timeoutMs: Ms(1, 600_000).default(10_000), retries: Count(0, 10).default(3) })
    .default({ timeoutMs: 10_000, retries: 3 }),
  timeSync: z
    .union([
      z.literal(false),
      z.object({
        onConnect: z.boolean().default(true),
        /** 0 = only on connect. */
        everyMs: Ms(0, 30 * DAY_MS).default(DAY_MS),
        /** 'time': the 6-byte tag (the sample frames); 'reserved-then-time': a 0 byte first. */
        layout: z.enum(['time', 'reserved-then-time']).default('time'),
      }),
    ])
    .default({ onConnect: true, everyMs: DAY_MS, layout: 'time' }),
  patrol: z
    .union([
      z.literal(false),
      z.object({
        everyMs: Ms(1_000, 30 * DAY_MS),
        /** The standard's UITD keeps its patrol light and sound on 10 minutes without an answer. */
        deadlineMs: Ms(1, DAY_MS).default(600_000),
        /** The byte after the count: 'reserved' sends 0 (the standard), 'deadline-minutes' the deadline. */
        byte: z.enum(['reserved', 'deadline-minutes']).default('reserved'),
      }),
    ])
    .default(false),
})

export type UitdSettingsInput = z.input<typeof UitdSettings>
export type UitdSettingsResolved = z.output<typeof UitdSettings>

const OnOff = z.enum(['on', 'off'])
const Seconds = (max: number) => z.coerce.number().int().min(0).max(max)

/**
 * The settings from environment variables; the gateway parses them with its own (gateway/config.ts)
 * and README "GB/T 26875.3 receiver" lists them. Everything has a default.
 */
export const UitdEnv = z.object({
  /** The receiver listens only when on (README "GB/T 26875.3 receiver"). */
  UITD_ENABLED: OnOff.default('off'),
  /** on: TLS with the gateway's TLS_CERT_FILE / TLS_KEY_FILE (and client certificates from TLS_CA_FILE). */
  UITD_TLS: OnOff.default('off'),
  UITD_PORT: Count(0, 65_535).default(5_000),
  UITD_HOST: z.string().min(1).default('0.0.0.0'),
  UITD_MAX_FRAME_BYTES: Count(MIN_FRAME_BYTES, MIN_FRAME_BYTES + 0xffff).default(DEFAULT_MAX_FRAME_BYTES),
  UITD_MAX_CONNECTIONS: Count(1, 100_000).default(256),
  UITD_IDLE_TIMEOUT_SEC: Seconds(86_400).default(120),
  UITD_SILENCE_TIMEOUT_SEC: Seconds(86_400).default(90),
  UITD_SERIAL_BYTE_ORDER: z.enum(['le', 'be']).default('le'),
  UITD_TIME_SYNC: OnOff.default('on'),
  UITD_TIME_SYNC_EVERY_SEC: Seconds(30 * 86_400).default(86_400),
  UITD_CLOCK_SYNC_LAYOUT: z.enum(['time', 'reserved-then-time']).default('time'),
  /** 0 = no scheduled patrol checks. */
  UITD_PATROL_EVERY_SEC: Seconds(30 * 86_400).default(0),
  UITD_PATROL_DEADLINE_SEC: Seconds(86_400).default(600),
  UITD_PATROL_BYTE: z.enum(['reserved', 'deadline-minutes']).default('reserved'),
})

export function uitdSettingsFromEnv(env: Readonly<Record<string, unknown>>): UitdSettingsInput {
  const e = UitdEnv.parse(env)
  return {
    port: e.UITD_PORT,
    host: e.UITD_HOST,
    maxFrameBytes: e.UITD_MAX_FRAME_BYTES,
    maxConnections: e.UITD_MAX_CONNECTIONS,
    idleTimeoutMs: Math.max(1, e.UITD_IDLE_TIMEOUT_SEC * 1000),
    silenceTimeoutMs: Math.max(1, e.UITD_SILENCE_TIMEOUT_SEC * 1000),
    serialByteOrder: e.UITD_SERIAL_BYTE_ORDER,
    timeSync:
      e.UITD_TIME_SYNC === 'off'
        ? false
        : { onConnect: true, everyMs: e.UITD_TIME_SYNC_EVERY_SEC * 1000, layout: e.UITD_CLOCK_SYNC_LAYOUT },
    patrol:
      e.UITD_PATROL_EVERY_SEC === 0
        ? false
        : {
            everyMs: Math.max(1_000, e.UITD_PATROL_EVERY_SEC * 1000),
            deadlineMs: Math.max(1, e.UITD_PATROL_DEADLINE_SEC * 1000),
            byte: e.UITD_PATROL_BYTE,
          },
  }
}
