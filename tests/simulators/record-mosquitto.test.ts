import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import type { MqttClient } from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRecorder } from '../../simulators/record/recorder.ts'
import { readRecording } from '../../simulators/record/recording-reader.ts'
import { systemClock } from '../../simulators/record/wall-clock.ts'
import { type RunningMosquitto, startMosquitto } from '../support/mosquitto.ts'
import { connectClient, requireBinary } from '../support/mqtt-peers.ts'
import { ROOT } from '../support/paths.ts'

const run = promisify(execFile)
let broker: RunningMosquitto
let client: MqttClient
let pub: string
const dir = mkdtempSync(join(tmpdir(), 'firewatch-record-'))

beforeAll(async () => {
  pub = requireBinary('mosquitto_pub', 'mosquitto-clients')
  broker = await startMosquitto()
  client = await connectClient(broker.url, 'publisher', 'unused')
})
afterAll(async () => {
  await client?.endAsync()
  await broker?.stop()
  rmSync(dir, { recursive: true, force: true })
})

const mosquittoPub = (topic: string, message: string, ...extra: string[]) =>
  run(pub, ['-h', '127.0.0.1', '-p', String(broker.port), '-t', topic, '-m', message, ...extra])

/** The CLI as a user runs it (node --import tsx, as the shebang does), with its stderr as lines. */
function cli(args: string[]): {
  child: ChildProcess
  stderr: string[]
  stdout: () => string
  code: Promise<number | null>
} {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'simulators/cli.ts'), ...args], {
    cwd: ROOT,
  })
  const stderr: string[] = []
  let stdout = ''
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l))
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  const code = new Promise<number | null>((resolve) => child.once('close', resolve))
  return { child, stderr, stdout: () => stdout, code }
}

async function lineMatching(lines: string[], pattern: RegExp, timeoutMs = 15_000): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!lines.some((l) => pattern.test(l))) {
    if (performance.now() > deadline) throw new Error(`no line matching ${pattern} in: ${lines.join('\n')}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('record from Mosquitto', () => {
  it('When mosquitto_pub and mqtt.js publish, then the file holds every message in order with timestamps', async () => {
    await mosquittoPub('fw/tower-a/ta-12-smoke-01/status', 'online', '-r', '-q', '1')
    const out = join(dir, 'mixed.jsonl')
    const before = systemClock.wall()
    const recorder = await startRecorder({ url: broker.url, out, count: 5, clock: systemClock })
    const binary = Buffer.from([0xc3, 0x28, 0x00, 0xff])
    await client.publishAsync(
      'fw/tower-a/ta-12-smoke-01/telemetry',
      '{"ts":1,"metrics":{"smoke_dbm":0.02}}',
      { qos: 1 },
    )
    await new Promise((r) => setTimeout(r, 200))
    const afterPause = systemClock.wall()
    await mosquittoPub('fw/tower-a/ta-12-smoke-01/event', '{"event":"test"}', '-q', '1')
    await mosquittoPub('elsewhere/not-recorded', 'x', '-q', '1')
    await client.publishAsync('fw/tower-b/tb-01-pump-01/telemetry', binary, { qos: 0 })
    await client.publishAsync('fw/tower-b/alerts', '{"id":"a1"}', { qos: 1 })
    const summary = await recorder.finished
    const after = systemClock.wall()

    expect(summary).toMatchObject({ messages: 5, stoppedBy: 'count' })
    expect(summary.byKind).toMatchObject({ telemetry: 2, event: 1, status: 1, alerts: 1 })
    const { header, messages } = await readRecording(out)
    expect(header).toEqual({
      format: 'firewatch-recording',
      version: 1,
      startedAt: header.startedAt,
      source: broker.url,
    })
    expect(header.startedAt).toBeGreaterThanOrEqual(before)
    expect(messages.map((m) => [m.topic, m.payload.toString('latin1'), m.qos, m.retain])).toEqual([
      ['fw/tower-a/ta-12-smoke-01/status', 'online', 1, true],
      ['fw/tower-a/ta-12-smoke-01/telemetry', '{"ts":1,"metrics":{"smoke_dbm":0.02}}', 1, false],
      ['fw/tower-a/ta-12-smoke-01/event', '{"event":"test"}', 1, false],
      ['fw/tower-b/tb-01-pump-01/telemetry', binary.toString('latin1'), 0, false],
      ['fw/tower-b/alerts', '{"id":"a1"}', 1, false],
    ])
    for (const [i, m] of messages.entries()) {
      expect(m.t).toBeGreaterThanOrEqual(i === 0 ? 0 : messages[i - 1]!.t)
      expect(m.wall).toBeLessThanOrEqual(after)
      // t (monotonic) and wall (epoch) tell the same story.
      expect(Math.abs(m.wall - header.startedAt - m.t)).toBeLessThan(50)
    }
    // The event was published after the pause: its stamps show the pause.
    expect(messages[2]!.wall).toBeGreaterThanOrEqual(afterPause)
    expect(messages[2]!.t - messages[1]!.t).toBeGreaterThanOrEqual(100)
    const raw = readFileSync(out, 'utf8').trimEnd().split('\n')
    expect(raw).toHaveLength(6)
    expect(JSON.parse(raw[4]!)).toMatchObject({ payloadBase64: binary.toString('base64') })
  })

  it('When a duration is given, then the recording stops by itself after it', async () => {
    const recorder = await startRecorder({
      url: broker.url,
      out: join(dir, 'timed.jsonl'),
      durationMs: 300,
      topics: ['timed/#'],
    })
    await client.publishAsync('timed/one', 'a', { qos: 1 })
    const summary = await recorder.finished
    expect(summary).toMatchObject({ messages: 1, stoppedBy: 'duration' })
    expect(summary.durationMs).toBeGreaterThanOrEqual(290)
    expect(summary.durationMs).toBeLessThan(2_000)
  })

  it('When the broker goes away, then the recording ends as lost with what came before on disk', async () => {
    const other = await startMosquitto()
    const out = join(dir, 'lost.jsonl')
    const recorder = await startRecorder({ url: other.url, out, topics: ['lost/#'] })
    const peer = await connectClient(other.url, 'peer', 'unused')
    await peer.publishAsync('lost/a', 'before', { qos: 1 })
    await peer.endAsync()
    const deadline = performance.now() + 5_000
    while (recorder.recorded() < 1 && performance.now() < deadline)
      await new Promise((r) => setTimeout(r, 20))
    await other.stop()
    const summary = await recorder.finished
    expect(summary).toMatchObject({ messages: 1, stoppedBy: 'connection lost' })
    expect((await readRecording(out)).messages.map((m) => m.payload.toString())).toEqual(['before'])
  })

  it('When the CLI recorder gets SIGINT, then it exits 0 with the file flushed and a summary table', async () => {
    const out = join(dir, 'cli.jsonl')
    const rec = cli(['record', '--url', broker.url, '--topic', 'cli/#', '--out', out])
    await lineMatching(rec.stderr, /^recording cli\/# from/)
    await mosquittoPub('cli/a', 'first', '-q', '1')
    await mosquittoPub('cli/b', 'second', '-q', '1')
    // The recorder has written both once the file holds them; only then interrupt.
    const deadline = performance.now() + 5_000
    const written = () =>
      readRecording(out).then(
        (r) => r.messages.length,
        () => 0,
      )
    while ((await written()) < 2 && performance.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25))
    }
    rec.child.kill('SIGINT')
    expect(await rec.code).toBe(0)
    expect(rec.stdout()).toMatch(/messages\s+2\n/)
    expect(rec.stdout()).toMatch(/stopped by\s+stopped/)
    expect((await readRecording(out)).messages.map((m) => m.payload.toString())).toEqual(['first', 'second'])
  })

  it('When the broker refuses the connection, then the CLI exits 1 with the reason', async () => {
    const rec = cli([
      'record',
      '--url',
      'mqtt://127.0.0.1:1',
      '--out',
      join(dir, 'never.jsonl'),
      '--count',
      '1',
    ])
    expect(await rec.code).toBe(1)
    expect(rec.stderr.join('\n')).toMatch(/firewatch-sim record: .*ECONNREFUSED/)
  })
})
