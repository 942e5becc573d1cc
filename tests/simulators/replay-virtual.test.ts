import { describe, expect, it } from 'vitest'
import { parseRecording } from '../../simulators/record/recording-reader.ts'
import { replayRecordingVirtual, virtualMessages } from '../../simulators/replay/replay-virtual.ts'

const STARTED = 1_700_000_000_000
const recording = parseRecording(
  [
    `{"format":"firewatch-recording","version":1,"startedAt":${STARTED},"source":"mqtt://x"}`,
    `{"t":100,"wall":${STARTED + 100},"topic":"fw/a/d1/telemetry","qos":1,"retain":false,"payload":"{\\"ts\\":${STARTED + 90},\\"metrics\\":{\\"smoke_dbm\\":0.3}}"}`,
    `{"t":1100,"wall":${STARTED + 1100},"topic":"fw/a/d1/event","qos":1,"retain":false,"payload":"{\\"ts\\":${STARTED + 1100},\\"event\\":\\"fire_alarm\\"}"}`,
    `{"t":1100,"wall":${STARTED + 1100},"topic":"fw/a/d1/status","qos":1,"retain":true,"payload":"{\\"ts\\":5}"}`,
    `{"t":4100,"wall":${STARTED + 4100},"topic":"fw/a/d2/telemetry","qos":0,"retain":false,"payloadBase64":"/w=="}`,
  ].join('\n'),
)

describe('replay in virtual time', () => {
  it('When no start is given, then messages come at their original times with their original ts', async () => {
    const seen: [string, string, number][] = []
    const summary = await replayRecordingVirtual(recording, {
      onMessage: (topic, payload, atMs) => void seen.push([topic, payload.toString('base64'), atMs]),
    })
    expect(seen.map(([topic, , at]) => [topic, at])).toEqual([
      ['fw/a/d1/telemetry', STARTED + 100],
      ['fw/a/d1/event', STARTED + 1100],
      ['fw/a/d1/status', STARTED + 1100],
      ['fw/a/d2/telemetry', STARTED + 4100],
    ])
    expect(seen.map(([, b64]) => b64)).toEqual(recording.messages.map((m) => m.payload.toString('base64')))
    expect(summary).toEqual({ messages: 4, firstAtMs: STARTED + 100, lastAtMs: STARTED + 4100 })
  })

  it('When a start and a speed are given, then times are compressed and telemetry/event ts follow them', () => {
    const start = 1_800_000_000_000
    const out = [...virtualMessages(recording, { startAtMs: start, speed: 2 })]
    expect(out.map((m) => m.atMs)).toEqual([start + 50, start + 550, start + 550, start + 2050])
    // ts keeps its distance from the receipt time (-10 ms for the first one).
    expect(JSON.parse(out[0]!.payload.toString())).toEqual({
      ts: start + 50 - 10,
      metrics: { smoke_dbm: 0.3 },
    })
    expect(JSON.parse(out[1]!.payload.toString())).toEqual({ ts: start + 550, event: 'fire_alarm' })
    // Status payloads and bytes that are not JSON are never touched.
    expect(out[2]!.payload.toString()).toBe('{"ts":5}')
    expect(out[3]!.payload).toEqual(Buffer.from([0xff]))
    expect(out[2]!.recorded.retain).toBe(true)
    const kept = [...virtualMessages(recording, { startAtMs: start, keepTimestamps: true })]
    expect(kept.map((m) => m.payload)).toEqual(recording.messages.map((m) => m.payload))
  })

  it('When onMessage returns a promise, then the next message waits for it', async () => {
    const order: string[] = []
    await replayRecordingVirtual(recording, {
      async onMessage(topic, _payload, atMs) {
        order.push(`start ${topic}`)
        await new Promise((r) => setTimeout(r, atMs === STARTED + 100 ? 20 : 0))
        order.push(`end ${topic}`)
      },
    })
    expect(order.slice(0, 3)).toEqual([
      'start fw/a/d1/telemetry',
      'end fw/a/d1/telemetry',
      'start fw/a/d1/event',
    ])
  })

  it('When the speed is not positive, then the replay refuses to start', () => {
    expect(() => [...virtualMessages(recording, { speed: 0 })]).toThrow(/speed must be a number > 0/)
  })
})
