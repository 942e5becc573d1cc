/**
 * Replay in virtual time, for the scenario runner: no broker, no sleeping. Each message comes with
 * the virtual time at which it happens, so that the caller can move its manual clock there and
 * hand the message to the engine.
 *
 *   const recording = await readRecording('fire.jsonl')
 *   await replayRecordingVirtual(recording, {
 *     startAtMs: clock.now(),
 *     async onMessage(topic, payload, atMs) {
 *       clock.advanceTo(atMs)
 *       feed(topic, payload, atMs)
 *     },
 *   })
 */
import type { RecordedMessage, Recording } from '../record/recording-format.ts'
import { shiftPayloadTs } from './payload-time.ts'

export interface VirtualReplayOptions {
  /** Virtual epoch ms of the recording's start; default its `startedAt`, i.e. the original times. */
  startAtMs?: number
  /** 2 = twice as fast (virtual gaps halved). Default 1. */
  speed?: number
  /** Leave payload `ts` as recorded; by default they move with the virtual time (see shiftPayloadTs). */
  keepTimestamps?: boolean
}

export interface VirtualMessage {
  topic: string
  /** With `ts` moved to virtual time unless keepTimestamps. */
  payload: Buffer
  /** Virtual epoch ms: startAtMs + t / speed, rounded; never decreasing. */
  atMs: number
  /** The message as recorded (qos, retain, original payload). */
  recorded: RecordedMessage
}

export interface VirtualReplayHandlers extends VirtualReplayOptions {
  /** Called once per message, in order; a returned promise is awaited before the next message. */
  onMessage(topic: string, payload: Buffer, atMs: number, recorded: RecordedMessage): void | Promise<void>
}

export interface VirtualReplaySummary {
  messages: number
  /** Virtual times of the first and last message; null for an empty recording. */
  firstAtMs: number | null
  lastAtMs: number | null
}

/** The recording's messages with their virtual times, lazily (a generator). */
export function* virtualMessages(
  recording: Recording,
  options: VirtualReplayOptions = {},
): Generator<VirtualMessage> {
  const speed = checkSpeed(options.speed ?? 1)
  const start = options.startAtMs ?? recording.header.startedAt
  for (const recorded of recording.messages) {
    const atMs = Math.round(start + recorded.t / speed)
    const payload = options.keepTimestamps
      ? recorded.payload
      : shiftPayloadTs(recorded.topic, recorded.payload, atMs - recorded.wall)
    yield { topic: recorded.topic, payload, atMs, recorded }
  }
}

/** Calls `onMessage` for every message in order, with its virtual time. */
export async function replayRecordingVirtual(
  recording: Recording,
  handlers: VirtualReplayHandlers,
): Promise<VirtualReplaySummary> {
  const summary: VirtualReplaySummary = { messages: 0, firstAtMs: null, lastAtMs: null }
  for (const m of virtualMessages(recording, handlers)) {
    await handlers.onMessage(m.topic, m.payload, m.atMs, m.recorded)
    summary.messages++
    summary.firstAtMs ??= m.atMs
    summary.lastAtMs = m.atMs
  }
  return summary
}

export function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a number > 0, not ${speed}`)
  return speed
}
