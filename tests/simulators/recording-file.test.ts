import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { RecordedMessage } from '../../simulators/record/recording-format.ts'
import { parseRecording, RecordingError, readRecording } from '../../simulators/record/recording-reader.ts'
import { RecordingWriter } from '../../simulators/record/recording-writer.ts'

const dir = mkdtempSync(join(tmpdir(), 'firewatch-recording-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const HEADER = '{"format":"firewatch-recording","version":1,"startedAt":1763800000000,"source":"mqtt://h:1"}'
const line = (fields: Record<string, unknown>) =>
  JSON.stringify({ t: 0, wall: 1763800000000, topic: 'fw/a/b/telemetry', qos: 0, retain: false, ...fields })
const withPayload = (fields: Record<string, unknown>) => line({ payload: '{}', ...fields })

function errorOf(text: string): RecordingError {
  try {
    parseRecording(text, 'x.jsonl')
  } catch (err) {
    if (err instanceof RecordingError) return err
    throw err
  }
  throw new Error('the recording was accepted')
}

describe('recording file', () => {
  it('When messages are written and read back, then text and binary payloads come back byte for byte', async () => {
    const file = join(dir, 'round-trip.jsonl')
    const binary = Buffer.from([0xff, 0x00, 0xfe, 0x80])
    const messages: RecordedMessage[] = [
      {
        t: 0,
        wall: 1_763_800_000_001,
        topic: 'fw/a/d/status',
        qos: 1,
        retain: true,
        payload: Buffer.from('online'),
      },
      { t: 15, wall: 1_763_800_000_016, topic: 'fw/a/d/telemetry', qos: 0, retain: false, payload: binary },
      {
        t: 15,
        wall: 1_763_800_000_016,
        topic: 'x/中文',
        qos: 2,
        retain: false,
        payload: Buffer.from('温度 ✓'),
      },
    ]
    const writer = await RecordingWriter.open(file, {
      format: 'firewatch-recording',
      version: 1,
      startedAt: 1_763_800_000_000,
      source: 'mqtt://127.0.0.1:1883',
    })
    for (const m of messages) writer.write(m)
    await writer.close()
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n')
    expect(JSON.parse(lines[2]!)).toEqual({
      t: 15,
      wall: 1_763_800_000_016,
      topic: 'fw/a/d/telemetry',
      qos: 0,
      retain: false,
      payloadBase64: '/wD+gA==',
    })
    expect(JSON.parse(lines[3]!).payload).toBe('温度 ✓')
    const read = await readRecording(file)
    expect(read.header.startedAt).toBe(1_763_800_000_000)
    expect(read.messages).toEqual(messages)
  })

  it('When a line breaks the format, then the error names the file, the line and the field', () => {
    expect(errorOf(`${HEADER}\n${withPayload({})}\n${withPayload({ qos: 3 })}\n`).message).toMatch(
      /^x\.jsonl:3: qos: /,
    )
    expect(errorOf(`${HEADER}\n${withPayload({})}\n\n{not json\n`).message).toMatch(/^x\.jsonl:4: not JSON/)
    expect(errorOf(`${HEADER}\n${line({ payload: 'a', payloadBase64: 'YQ==' })}`).message).toMatch(
      /^x\.jsonl:2: exactly one of payload and payloadBase64/,
    )
    expect(
      errorOf(`${HEADER}\n${line({ payload: 'a', t: 50 })}\n${line({ payload: 'b', t: 49 })}`).line,
    ).toBe(3)
    expect(errorOf(`${HEADER}\n${line({ payloadBase64: '***' })}`).message).toMatch(
      /x\.jsonl:2: payloadBase64/,
    )
    expect(errorOf('{"format":"something-else","version":1}\n').message).toMatch(
      /^x\.jsonl:1: header: format/,
    )
    expect(errorOf('\n\n').message).toMatch(/^x\.jsonl:1: empty file/)
  })

  it('When the output file cannot be created, then opening the writer fails', async () => {
    const header = {
      format: 'firewatch-recording' as const,
      version: 1 as const,
      startedAt: 0,
      source: 'mqtt://h',
    }
    await expect(RecordingWriter.open(join(dir, 'missing-dir', 'x.jsonl'), header)).rejects.toThrow(/ENOENT/)
  })
})
