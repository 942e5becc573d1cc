import { describe, expect, it } from 'vitest'
import { decodeFrame, encodeFrame, StreamDecoder, type StreamReport } from '../../ingest/gbt26875/index.ts'
import { DGIOT_FIRE_FRAME, DOC_FRAMES } from '../fixtures/gbt26875-samples.ts'
import { fuzzGbt26875 } from '../fuzz/fuzz-gbt26875.ts'
import { FuzzInputs } from '../fuzz/fuzz-inputs.ts'
import { FuzzReport } from '../fuzz/fuzz-report.ts'

const frames = (reports: StreamReport[]) => reports.flatMap((r) => (r.ok ? [r.raw.toString('hex')] : []))
const reasons = (reports: StreamReport[]) => reports.flatMap((r) => (r.ok ? [] : [r.reason]))

function feedAll(decoder: StreamDecoder, ...chunks: Buffer[]): StreamReport[] {
  return [...chunks.flatMap((c) => decoder.push(c)), ...decoder.end()]
}

describe('GB/T 26875.3 streaming decoder', () => {
  it('When each sample frame is split at every byte, then it comes out once and whole', () => {
    for (const sample of [DGIOT_FIRE_FRAME, ...Object.values(DOC_FRAMES)]) {
      for (let cut = 0; cut <= sample.length; cut++) {
        const reports = feedAll(new StreamDecoder(), sample.subarray(0, cut), sample.subarray(cut))
        expect(frames(reports), `cut at ${cut}`).toEqual([sample.toString('hex')])
        expect(reasons(reports)).toEqual([])
      }
    }
  })

  it('When frames arrive one byte at a time, then every frame comes out in order', () => {
    const stream = Buffer.concat([DOC_FRAMES.smokeFire, DOC_FRAMES.uitdConfirm, DGIOT_FIRE_FRAME])
    const decoder = new StreamDecoder()
    const reports = feedAll(decoder, ...Array.from(stream, (b) => Buffer.of(b)))
    expect(frames(reports)).toEqual(
      [DOC_FRAMES.smokeFire, DOC_FRAMES.uitdConfirm, DGIOT_FIRE_FRAME].map((f) => f.toString('hex')),
    )
    expect(decoder.stats).toMatchObject({ frames: 3, errors: 0, bytesIn: stream.length })
  })

  it('When garbage comes before and between frames, then it is reported and the frames still come out', () => {
    const junk = Buffer.from('hello @ world ## \x00\xff')
    const reports = feedAll(new StreamDecoder(), junk, DOC_FRAMES.smokeFire, junk, DOC_FRAMES.uitdConfirm)
    expect(frames(reports)).toHaveLength(2)
    expect(new Set(reasons(reports))).toEqual(new Set(['garbage']))
  })

  it('When a frame is damaged in each way, then it is reported with its reason and the next frame comes out', () => {
    const spoil = (edit: (f: Buffer) => void) => {
      const f = Buffer.from(DOC_FRAMES.smokeFire)
      edit(f)
      return f
    }
    const parsed = decodeFrame(DOC_FRAMES.smokeFire)
    if (!parsed.ok) throw new Error(parsed.detail)
    const cases: [string, Buffer][] = [
      ['checksum', spoil((f) => (f[f.length - 3] = 0x47))],
      ['end-marker', spoil((f) => (f[f.length - 1] = 0x24))],
      ['oversize', spoil((f) => f.writeUInt16LE(1025, 24))],
      // Command 7 is reserved; the frame is otherwise sound, its checksum right.
      ['unknown-command', encodeFrame({ ...parsed.frame, command: 7 })],
    ]
    for (const [reason, bad] of cases) {
      const reports = feedAll(new StreamDecoder(), bad, DOC_FRAMES.uitdConfirm)
      expect(
        reasons(reports).filter((r) => r !== 'garbage'),
        reason,
      ).toEqual([reason])
      expect(frames(reports), reason).toEqual([DOC_FRAMES.uitdConfirm.toString('hex')])
    }
  })

  it('When a frame with a bad checksum is reported, then the report carries its header for the deny', () => {
    const bad = Buffer.from(DOC_FRAMES.smokeFire)
    bad[bad.length - 3] = 0x00
    const [report] = new StreamDecoder().push(bad)
    expect(report).toMatchObject({ ok: false, reason: 'checksum', header: { serial: 1, source: 889 } })
  })

  it('When a frame is cut short and good frames follow, then it is reported and the good frames come out', () => {
    const cut = DOC_FRAMES.smokeFire.subarray(0, 50)
    const reports = feedAll(new StreamDecoder(), cut, DOC_FRAMES.uitdMainsFault)
    expect(frames(reports)).toEqual([DOC_FRAMES.uitdMainsFault.toString('hex')])
    expect(reasons(reports).filter((r) => r !== 'garbage')).toEqual(['end-marker'])
  })

  it('When a cut frame still waits for its length and a whole frame follows, then the whole frame comes out at once', () => {
    const decoder = new StreamDecoder()
    // 30 bytes of a 78-byte frame, then a 30-byte confirm: 60 bytes never fill the declared 78.
    const reports = decoder.push(Buffer.concat([DGIOT_FIRE_FRAME.subarray(0, 30), DOC_FRAMES.uitdConfirm]))
    expect(frames(reports)).toEqual([DOC_FRAMES.uitdConfirm.toString('hex')])
    expect(reasons(reports)).toEqual(['truncated'])
    expect(decoder.buffered).toBe(0)
  })

  it('When the stream ends inside a frame, then the rest is reported truncated', () => {
    const decoder = new StreamDecoder()
    expect(decoder.push(DOC_FRAMES.smokeFire.subarray(0, 40))).toEqual([])
    expect(decoder.buffered).toBe(40)
    expect(decoder.end()).toMatchObject([{ ok: false, reason: 'truncated', bytes: 40 }])
  })

  it('When a header declares more than maxFrameBytes, then it is refused before the body is buffered', () => {
    const decoder = new StreamDecoder({ maxFrameBytes: 60 })
    const reports = decoder.push(DOC_FRAMES.smokeFire.subarray(0, 26))
    expect(reasons(reports)[0]).toBe('oversize')
    expect(decoder.buffered).toBeLessThan(26)
  })

  it('When 3,000 seeded streams are fuzzed, then nothing throws and every byte and bad frame is accounted for', () => {
    const report = new FuzzReport()
    fuzzGbt26875(3_000, new FuzzInputs(26_875), report)
    expect(report.findings).toEqual([])
    expect(report.inputs).toBe(3_000)
  })
})
