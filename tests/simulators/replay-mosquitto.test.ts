import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RecordedMessage } from '../../simulators/record/recording-format.ts'
import { RecordingWriter } from '../../simulators/record/recording-writer.ts'
import { systemClock } from '../../simulators/record/wall-clock.ts'
import { replayLive } from '../../simulators/replay/replay-live.ts'
import { type RunningMosquitto, startMosquitto } from '../support/mosquitto.ts'
import { connectClient } from '../support/mqtt-peers.ts'
import { ROOT } from '../support/paths.ts'

let broker: RunningMosquitto
const dir = mkdtempSync(join(tmpdir(), 'firewatch-replay-'))
const STARTED = 1_700_000_000_000

beforeAll(async () => {
  broker = await startMosquitto()
})
afterAll(async () => {
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const message = (t: number, topic: string, payload: string | Buffer, qos: 0 | 1 | 2 = 1, retain = false) => ({
  t,
  // 3 s of device clock offset on top of the receipt time, to see that it survives the replay.
  wall: STARTED + t,
  topic,
  qos,
  retain,
  payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload),
})

/** 2 s of traffic, starting 5 s into the recording (a quiet lead-in the replay must not wait for). */
const RECORDED: RecordedMessage[] = [
  message(5_000, 'fw/tower-a/ta-12-smoke-01/status', 'online', 1, true),
  message(
    5_000,
    'fw/tower-a/ta-12-smoke-01/telemetry',
    `{"ts":${STARTED + 5_000 - 3_000},"seq":1,"metrics":{"smoke_dbm":0.02}}`,
    0,
  ),
  message(5_400, 'fw/tower-b/tb-01-pump-01/telemetry', Buffer.from([0xff, 0xfe, 0x00]), 1),
  message(
    5_800,
    'fw/tower-a/ta-12-smoke-01/event',
    `{"ts":${STARTED + 5_800},"event":"fire_alarm","detail":"x"}`,
    2,
  ),
  message(6_600, 'fw/tower-a/alerts', '{"id":"a-1","ts":5}', 1),
  message(7_000, 'fw/tower-a/ta-12-smoke-01/telemetry', 'not json {', 1),
]

async function writeRecording(file: string): Promise<void> {
  const writer = await RecordingWriter.open(file, {
    format: 'firewatch-recording',
    version: 1,
    startedAt: STARTED,
    source: 'mqtt://recorded',
  })
  for (const m of RECORDED) writer.write(m)
  await writer.close()
}

/**
 * Messages published while it is subscribed, with the wall and monotonic time each arrived.
 * Retained ones left by earlier tests (delivered with the retain flag) are not counted.
 */
async function subscriber(): Promise<{
  client: MqttClient
  got: { topic: string; payload: Buffer; at: number; wall: number }[]
}> {
  const client = await connectClient(broker.url, 'watcher', 'unused')
  const got: { topic: string; payload: Buffer; at: number; wall: number }[] = []
  client.on('message', (topic, payload, packet) => {
    if (!packet.retain) got.push({ topic, payload, at: performance.now(), wall: systemClock.wall() })
  })
  await client.subscribeAsync('fw/#', { qos: 2 })
  return { client, got }
}

describe('replay into Mosquitto', () => {
  it('When a recorded file is replayed at speed 4 by the CLI, then a subscriber sees the same messages in order in a quarter of the time', async () => {
    const file = join(dir, 'traffic.jsonl')
    await writeRecording(file)
    const { client, got } = await subscriber()
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'simulators/cli.ts', 'replay', file, '--url', broker.url, '--speed', '4', '--json'],
      { cwd: ROOT },
    )
    let stdout = ''
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString()
    })
    const code = await new Promise((resolve) => child.once('close', resolve))
    await new Promise((r) => setTimeout(r, 100))
    await client.endAsync()

    expect(code).toBe(0)
    expect(got.map((m) => m.topic)).toEqual(RECORDED.map((m) => m.topic))
    // Payloads are the recorded bytes, except telemetry/event ts moved to replay time.
    for (const [i, m] of got.entries()) {
      const recorded = RECORDED[i]!
      if (i === 1 || i === 3) continue
      expect(m.payload.equals(recorded.payload)).toBe(true)
    }
    for (const i of [1, 3]) {
      const sent = JSON.parse(got[i]!.payload.toString())
      const original = JSON.parse(RECORDED[i]!.payload.toString())
      expect({ ...sent, ts: 0 }).toEqual({ ...original, ts: 0 })
      // ts keeps its distance from the receipt time (the device's clock offset), now at replay time.
      const expected = original.ts - RECORDED[i]!.wall + got[i]!.wall
      expect(Math.abs(sent.ts - expected)).toBeLessThan(1_000)
    }
    // Recorded: 2 s from first to last message; at speed 4 the replay takes 0.5 s. The bounds tell
    // paced from unpaced (a few ms) and from speed 1 (2 s) with room for a busy machine's timers:
    // the first message may go out late while the later ones keep to the replay's own schedule.
    const span = got.at(-1)!.at - got[0]!.at
    expect(span).toBeGreaterThanOrEqual(400)
    expect(span).toBeLessThan(2_000)
    expect(got[3]!.at - got[0]!.at).toBeGreaterThanOrEqual(150)
    const summary = JSON.parse(stdout)
    expect(summary).toMatchObject({ total: 6, published: 6, failed: 0, skipped: {}, interrupted: false })
    expect(summary.byKind).toMatchObject({ telemetry: 3, event: 1, status: 1, alerts: 1 })
    expect(summary.durationMs).toBeGreaterThanOrEqual(490)
  })

  it('When a retained message is replayed, then the broker keeps it retained for later subscribers', async () => {
    const topic = 'fw/tower-b/tb-03-smoke-01/status'
    const summary = await replayLive(
      {
        header: { format: 'firewatch-recording', version: 1, startedAt: STARTED, source: 'x' },
        messages: [message(0, topic, 'offline', 1, true)],
      },
      { url: broker.url },
    )
    expect(summary).toMatchObject({ published: 1, failed: 0 })
    const late = await connectClient(broker.url, 'late', 'unused')
    const retained = new Promise<{ payload: string; retain: boolean }>((resolve) =>
      late.on('message', (_t, payload, packet) =>
        resolve({ payload: payload.toString(), retain: packet.retain }),
      ),
    )
    await late.subscribeAsync(topic, { qos: 1 })
    expect(await retained).toEqual({ payload: 'offline', retain: true })
    await late.endAsync()
  })

  it('When timestamps are kept, then the payload is published byte for byte', async () => {
    const { client, got } = await subscriber()
    const recorded = message(
      0,
      'fw/tower-a/ta-32-tank-01/telemetry',
      `{"ts":${STARTED},"metrics":{"level_m":2}}`,
    )
    const summary = await replayLive(
      {
        header: { format: 'firewatch-recording', version: 1, startedAt: STARTED, source: 'x' },
        messages: [recorded],
      },
      { url: broker.url, keepTimestamps: true },
    )
    const deadline = performance.now() + 5_000
    while (got.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    await client.endAsync()
    expect(summary.published).toBe(1)
    expect(got.map((m) => m.payload.toString())).toEqual([recorded.payload.toString()])
  })
})
