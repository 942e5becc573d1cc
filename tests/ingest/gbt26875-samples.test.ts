// Public sample frames decode to what their sources document, and encode back to the same bytes.
// Sources (repo, path, commit) are in tests/fixtures/gbt26875-samples.ts and docs/gbt26875.md.
import { describe, expect, it } from 'vitest'
import {
  analogueValue,
  Command,
  type DataUnit,
  decodeDataUnit,
  decodeFrame,
  encodeDataUnit,
  encodeFrame,
  type Frame,
  partStatus,
  StreamDecoder,
  systemOperation,
  timeTagToEpochMs,
  uitdOperation,
  uitdStatus,
} from '../../ingest/gbt26875/index.ts'
import { DGIOT_FIRE_FRAME, DOC_FRAMES, GO_DATA_UNITS, GO_TAG } from '../fixtures/gbt26875-samples.ts'

function frameOf(bytes: Buffer): Frame {
  const result = decodeFrame(bytes)
  if (!result.ok) throw new Error(`${result.reason}: ${result.detail}`)
  return result.frame
}

function unitOf(data: Uint8Array): DataUnit {
  const result = decodeDataUnit(data)
  if (!result.ok) throw new Error(result.detail)
  return result.unit
}

/** Decode, re-encode from the typed values only, compare bytes. */
function roundTrip(bytes: Buffer): Buffer {
  const frame = frameOf(bytes)
  return encodeFrame({ ...frame, data: encodeDataUnit(unitOf(frame.data)) })
}

describe('GB/T 26875.3 public samples', () => {
  it('When the dgiot test frame is decoded, then it is the fire of part 0x0600d9 the Go reader test expects', () => {
    const frame = frameOf(DGIOT_FIRE_FRAME)
    expect(frame).toMatchObject({ serial: 0, version: { major: 1, user: 1 }, command: Command.sendData })
    expect(frame.source).toBe(0)
    expect(frame.destination).toBe(0x010203040506)
    const unit = unitOf(frame.data)
    expect(unit.kind).toBe('partStatus')
    if (unit.kind !== 'partStatus') return
    expect(unit.objects).toHaveLength(1)
    const [part] = unit.objects
    expect(part).toMatchObject({ systemType: 1, systemAddress: 3, partType: 0, partAddress: 0x0600d9 })
    expect(part!.status).toBe(0x0002)
    expect(partStatus(part!.status)).toMatchObject({ fire: true, fault: false, normal: false })
    expect(part!.description).toBe('Ａ区１层呷哺走廊')
    expect(timeTagToEpochMs(part!.time!, 'Asia/Shanghai')).toBe(1_596_280_728_000)
  })

  it('When the dgiot test frame is encoded from its decoded values, then the bytes are the same', () => {
    expect(roundTrip(DGIOT_FIRE_FRAME).equals(DGIOT_FIRE_FRAME)).toBe(true)
  })

  it('When the Go test sends the frame with checksum 0x63 then three good ones, then one checksum error and three frames', () => {
    const bad = Buffer.from(DGIOT_FIRE_FRAME)
    bad[bad.length - 3] = 0x63
    const stream = Buffer.concat([bad, DGIOT_FIRE_FRAME, DGIOT_FIRE_FRAME, DGIOT_FIRE_FRAME])
    const reports = new StreamDecoder().push(stream)
    expect(reports.filter((r) => r.ok)).toHaveLength(3)
    const errors = reports.filter((r) => !r.ok)
    expect(errors.filter((r) => !r.ok && r.reason === 'checksum')).toHaveLength(1)
    // After the bad first byte, the rest of the bad frame is skipped as bytes outside any frame.
    expect(errors.every((r) => !r.ok && (r.reason === 'checksum' || r.reason === 'garbage'))).toBe(true)
  })

  it('When the standard’s example fire frame is decoded, then it is a smoke detector fire in zone 10, point 2', () => {
    const frame = frameOf(DOC_FRAMES.smokeFire)
    expect(frame).toMatchObject({ serial: 1, source: 889, destination: 88888, command: Command.sendData })
    const unit = unitOf(frame.data)
    if (unit.kind !== 'partStatus') throw new Error(unit.kind)
    const [part] = unit.objects
    expect(part).toMatchObject({ systemType: 1, systemAddress: 1, partType: 40, partAddress: 0x0002000a })
    expect(partStatus(part!.status).fire).toBe(true)
    expect(part!.description.trim()).toBe('')
    expect(part!.time).toEqual({ second: 2, minute: 58, hour: 9, day: 26, month: 9, year: 2012 })
  })

  it('When each example frame is decoded and encoded again, then every byte is the same', () => {
    for (const [name, bytes] of Object.entries(DOC_FRAMES)) {
      const frame = frameOf(bytes)
      const again =
        frame.data.length === 0
          ? encodeFrame(frame)
          : encodeFrame({ ...frame, data: encodeDataUnit(unitOf(frame.data)) })
      expect(again.toString('hex'), name).toBe(bytes.toString('hex'))
    }
  })

  it('When the example confirm and deny are decoded, then they echo serial 1 back to the UITD with no data', () => {
    for (const [bytes, command] of [
      [DOC_FRAMES.centreConfirm, Command.confirm],
      [DOC_FRAMES.centreDeny, Command.deny],
    ] as const) {
      const frame = frameOf(bytes)
      expect(bytes).toHaveLength(30)
      expect(frame).toMatchObject({ serial: 1, source: 88888, destination: 889, command })
      expect(frame.data).toHaveLength(0)
    }
  })

  it('When the example UITD frames are decoded, then mains fault, patrol answer, version and clock are named', () => {
    const status = unitOf(frameOf(DOC_FRAMES.uitdMainsFault).data)
    if (status.kind !== 'uitdStatus') throw new Error(status.kind)
    expect(uitdStatus(status.objects[0]!.status)).toMatchObject({ mainPowerFault: true, normal: false })
    const answer = unitOf(frameOf(DOC_FRAMES.patrolAnswer).data)
    if (answer.kind !== 'uitdOperation') throw new Error(answer.kind)
    expect(uitdOperation(answer.objects[0]!.operation).patrolAnswer).toBe(true)
    expect(answer.objects[0]!.operator).toBe(1)
    expect(unitOf(frameOf(DOC_FRAMES.uitdVersion).data)).toEqual({
      kind: 'uitdSoftware',
      objects: [{ major: 1, minor: 1 }],
    })
    const time = unitOf(frameOf(DOC_FRAMES.uitdTime).data)
    expect(time).toEqual({
      kind: 'uitdTime',
      objects: [{ clock: { second: 2, minute: 58, hour: 9, day: 26, month: 9, year: 2012 } }],
    })
  })

  it('When the example downstream frames are decoded, then clock sync, patrol, query and initialise are typed', () => {
    const sync = frameOf(DOC_FRAMES.syncClock)
    expect(sync.command).toBe(Command.control)
    expect(unitOf(sync.data)).toEqual({
      kind: 'syncUitdClock',
      objects: [{ clock: { second: 2, minute: 58, hour: 9, day: 26, month: 9, year: 2012 } }],
    })
    expect(unitOf(frameOf(DOC_FRAMES.patrol).data)).toEqual({ kind: 'patrol', objects: [{ reserved: 10 }] })
    const read = frameOf(DOC_FRAMES.readUitdStatus)
    expect(read.command).toBe(Command.request)
    expect(unitOf(read.data)).toEqual({ kind: 'readUitdStatus', objects: [{ reserved: 0 }] })
    expect(frameOf(DOC_FRAMES.uitdStatusResponse).command).toBe(Command.response)
    expect(unitOf(frameOf(DOC_FRAMES.initialise).data)).toEqual({
      kind: 'initialiseUitd',
      objects: [{ reserved: 0 }],
    })
  })

  it('When the Go test data units are decoded, then each is the object its test expects, and encodes back', () => {
    const units = Object.fromEntries(Object.entries(GO_DATA_UNITS).map(([k, v]) => [k, unitOf(v)]))
    const first = (kind: string) =>
      (units[kind] as unknown as { objects: Record<string, unknown>[] }).objects[0]!
    expect(first('systemStatus')).toEqual({ systemType: 1, systemAddress: 2, status: 0x0204, time: GO_TAG })
    expect(first('partStatus')).toMatchObject({
      systemType: 1,
      systemAddress: 2,
      partType: 0x79,
      partAddress: 0x04030201,
      status: 0x0204,
      description: '7楼02室会议室烟感',
    })
    const analogue = first('partAnalogue') as { quantity: number; raw: number }
    expect(analogue).toMatchObject({ partType: 0x28, partAddress: 0x04030201, quantity: 3, raw: 0x0320 })
    expect(analogueValue(analogue.quantity, analogue.raw)).toMatchObject({ value: 80, unit: '°C' })
    expect(first('systemOperation')).toMatchObject({ operation: 0x84, operator: 0xfa })
    expect(systemOperation(0x84)).toMatchObject({ selfTest: false, manualAlarm: true })
    expect(first('systemSoftware')).toEqual({ systemType: 1, systemAddress: 2, major: 3, minor: 4 })
    expect(first('systemConfig')).toMatchObject({ description: '7楼02室会议室烟感', fieldBytes: 30 })
    expect(first('partConfig')).toMatchObject({ partType: 0x28, description: '7楼02室会议室烟感' })
    expect(first('systemTime')).toEqual({ systemType: 1, systemAddress: 2, clock: GO_TAG })
    expect(first('uitdStatus')).toEqual({ status: 0x08, time: GO_TAG })
    expect((units.uitdOperation as { objects: unknown[] }).objects).toEqual([
      { operation: 0x31, operator: 0xfa, time: GO_TAG },
      { operation: 0x73, operator: 0xfb, time: { ...GO_TAG, second: 5 } },
    ])
    expect(first('uitdSoftware')).toEqual({ major: 3, minor: 4 })
    expect(first('uitdConfig')).toEqual({ description: '7楼02室会议室烟感', fieldBytes: 30 })
    expect(first('uitdTime')).toEqual({ clock: { ...GO_TAG, second: 5 } })
    for (const [kind, bytes] of Object.entries(GO_DATA_UNITS))
      expect(Buffer.from(encodeDataUnit(units[kind] as DataUnit)).toString('hex'), kind).toBe(
        bytes.toString('hex'),
      )
  })
})
