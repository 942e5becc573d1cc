import { describe, expect, it } from 'vitest'
import {
  checksum,
  decodeDataUnit,
  decodeFrame,
  decodeText,
  encodeDataUnit,
  encodeFixedText,
  encodeFlags,
  encodeFrame,
  encodeText,
  epochMsToTimeTag,
  fitText,
  PART_STATUS_BITS,
  partStatus,
  systemStatus,
  timeTagToEpochMs,
} from '../../ingest/gbt26875/index.ts'
import { DGIOT_FIRE_FRAME, DOC_FRAMES } from '../fixtures/gbt26875-samples.ts'
import { FuzzInputs } from '../fuzz/fuzz-inputs.ts'
import { Gbt26875Gen, KINDS } from '../fuzz/gbt26875-gen.ts'

/** The local date and time of an instant straight from Intl, with no cache in between. */
function viaIntl(at: number, timeZone: string) {
  const f = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  })
  const p = Object.fromEntries(f.formatToParts(at).map((x) => [x.type, Number(x.value)])) as Record<
    string,
    number
  >
  return { second: p.second!, minute: p.minute!, hour: p.hour!, day: p.day!, month: p.month!, year: p.year! }
}

describe('GB/T 26875.3 codec', () => {
  it('When any kind of data unit is generated, then it decodes to the same values and encodes to the same bytes', () => {
    const g = new Gbt26875Gen(new FuzzInputs(26_875))
    for (const kind of KINDS) {
      for (let i = 0; i < 150; i++) {
        const unit = g.unit(kind, 8)
        const bytes = encodeDataUnit(unit)
        const decoded = decodeDataUnit(bytes)
        expect(decoded, kind).toEqual({ ok: true, unit })
        if (decoded.ok)
          expect(Buffer.from(encodeDataUnit(decoded.unit)).equals(Buffer.from(bytes)), kind).toBe(true)
      }
    }
  })

  it('When a frame is built, then it decodes back to its header and data in either serial byte order', () => {
    const g = new Gbt26875Gen(new FuzzInputs(1))
    for (const serialByteOrder of ['le', 'be'] as const) {
      for (let i = 0; i < 200; i++) {
        const data = encodeDataUnit(g.unit())
        const bytes = g.frame(data)
        const first = decodeFrame(bytes)
        if (!first.ok) throw new Error(first.detail)
        const again = encodeFrame(first.frame, { serialByteOrder })
        const decoded = decodeFrame(again, { serialByteOrder })
        expect(decoded).toEqual({
          ok: true,
          frame: { ...first.frame, data: again.subarray(27, 27 + data.length) },
        })
      }
    }
  })

  it('When the serial number is written, then low byte first is the default and high byte first is a setting', () => {
    const parsed = decodeFrame(DOC_FRAMES.uitdConfirm)
    if (!parsed.ok) throw new Error(parsed.detail)
    const frame = { ...parsed.frame, serial: 0x1234 }
    expect(encodeFrame(frame).subarray(2, 4)).toEqual(Buffer.from([0x34, 0x12]))
    expect(encodeFrame(frame, { serialByteOrder: 'be' }).subarray(2, 4)).toEqual(Buffer.from([0x12, 0x34]))
    // The standard's sample sends serial 1 as 01 00.
    expect(parsed.frame.serial).toBe(1)
    expect(decodeFrame(DOC_FRAMES.uitdConfirm, { serialByteOrder: 'be' })).toMatchObject({
      frame: { serial: 256 },
    })
  })

  it('When the dgiot frame is summed, then the arithmetic sum matches its checksum and XOR does not', () => {
    const end = DGIOT_FIRE_FRAME.length - 3
    expect(checksum(DGIOT_FIRE_FRAME, 2, end)).toBe(0x68)
    let xor = 0
    for (let i = 2; i < end; i++) xor ^= DGIOT_FIRE_FRAME[i]!
    expect(xor).toBe(0xca)
    expect(DGIOT_FIRE_FRAME[end]).toBe(0x68)
  })

  it('When text is written in GB 18030, then TextDecoder reads back the same text', () => {
    for (const text of [
      '12层 手动报警按钮',
      'Ａ区１层呷哺走廊',
      '水流指示器 B2',
      '€ ① ㄅ',
      '𠀀𪚥 emoji 😀',
      '',
    ]) {
      const bytes = encodeText(text)
      expect(decodeText(bytes), text).toBe(text)
    }
    expect(Buffer.from(encodeText('Ａ区')).toString('hex')).toBe('a3c1c7f8')
    expect(() => encodeFixedText('很长的部件说明文字超过三十一个字节了吧真的', 31)).toThrow(RangeError)
    expect(encodeText(fitText('很长的部件说明文字超过三十一个字节了吧真的', 31)).length).toBeLessThanOrEqual(
      31,
    )
  })

  it('When a time tag is read in a time zone, then it is that local time, and a tag that is no date is null', () => {
    const tag = { second: 2, minute: 58, hour: 9, day: 26, month: 9, year: 2012 }
    expect(timeTagToEpochMs(tag, 'Asia/Shanghai')).toBe(Date.parse('2012-09-26T09:58:02+08:00'))
    expect(timeTagToEpochMs(tag, 'UTC')).toBe(Date.parse('2012-09-26T09:58:02Z'))
    expect(epochMsToTimeTag(Date.parse('2012-09-26T01:58:02Z'), 'Asia/Shanghai')).toEqual(tag)
    expect(timeTagToEpochMs({ ...tag, day: 31 }, 'UTC')).toBeNull()
    expect(timeTagToEpochMs({ ...tag, second: 60 }, 'UTC')).toBeNull()
    expect(timeTagToEpochMs({ ...tag, month: 0 }, 'UTC')).toBeNull()
  })

  it('When tags are read and written around daylight-saving changes, then the remembered offsets agree with Intl', () => {
    const berlin = 'Europe/Berlin'
    // 02:30 does not exist on 2026-03-29: it moves forward by the gap, to 03:30 CEST.
    const skipped = { second: 0, minute: 30, hour: 2, day: 29, month: 3, year: 2026 }
    expect(timeTagToEpochMs(skipped, berlin)).toBe(Date.parse('2026-03-29T01:30:00Z'))
    // 02:30 happens twice on 2026-10-25: the first one, still CEST.
    const repeated = { second: 0, minute: 30, hour: 2, day: 25, month: 10, year: 2026 }
    expect(timeTagToEpochMs(repeated, berlin)).toBe(Date.parse('2026-10-25T00:30:00Z'))
    const r = new FuzzInputs(3)
    for (let i = 0; i < 3_000; i++) {
      const zone = r.pick([
        'Asia/Shanghai',
        'Europe/Berlin',
        'America/New_York',
        'Australia/Lord_Howe',
        'UTC',
      ])
      const at = Date.parse('2024-01-01T00:00:00Z') + r.int(3 * 365) * 86_400_000 + r.int(86_400) * 1000
      expect(epochMsToTimeTag(at, zone)).toEqual(viaIntl(at, zone))
      const tag = viaIntl(at, zone)
      expect(epochMsToTimeTag(timeTagToEpochMs(tag, zone)!, zone)).toEqual(tag)
    }
  })

  it('When a data unit does not add up, then it is refused with "length", and an unknown type stays opaque', () => {
    expect(decodeDataUnit(Uint8Array.of(2))).toMatchObject({ ok: false, reason: 'length' })
    // One part status needs 40 or 46 bytes.
    expect(decodeDataUnit(Uint8Array.of(2, 1, ...new Array(41).fill(0)))).toMatchObject({
      ok: false,
      reason: 'length',
    })
    expect(decodeDataUnit(Uint8Array.of(25, 1, 1))).toMatchObject({ ok: false, reason: 'length' })
    // A system configuration whose length byte points past the end.
    expect(decodeDataUnit(Uint8Array.of(6, 1, 1, 2, 9, 0x41))).toMatchObject({ ok: false, reason: 'length' })
    const opaque = decodeDataUnit(Uint8Array.of(200, 3, 1, 2, 3))
    expect(opaque).toEqual({
      ok: true,
      unit: { kind: 'opaque', typeFlag: 200, count: 3, body: Uint8Array.of(1, 2, 3) },
    })
    if (opaque.ok) expect(encodeDataUnit(opaque.unit)).toEqual(Uint8Array.of(200, 3, 1, 2, 3))
  })

  it('When some objects of a unit carry a time tag and some do not, then encoding refuses', () => {
    const tag = { second: 0, minute: 0, hour: 0, day: 1, month: 1, year: 2024 }
    expect(() =>
      encodeDataUnit({ kind: 'uitdStatus', objects: [{ status: 1, time: tag }, { status: 1 }] }),
    ).toThrow(RangeError)
  })

  it('When status words are read, then each bit has the name the standard gives it', () => {
    expect(PART_STATUS_BITS).toEqual([
      'normal',
      'fire',
      'fault',
      'disabled',
      'supervisory',
      'started',
      'feedback',
      'delayed',
      'powerFault',
    ])
    expect(partStatus(0x0103)).toMatchObject({
      normal: true,
      fire: true,
      powerFault: true,
      fault: false,
      raw: 0x0103,
    })
    expect(encodeFlags(PART_STATUS_BITS, ['normal', 'started', 'feedback'])).toBe(0x61)
    expect(systemStatus(1 << 10)).toMatchObject({ busFault: true, normal: false })
  })
})
