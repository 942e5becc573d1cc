// Information objects (信息对象) of GB/T 26875.3-2011 §8.2 and §8.3, as typed values. Raw numbers
// are kept (status words, codes) so that every object encodes back to the bytes it came from; the
// helpers in flags.ts and catalogue.ts name them. Objects that the standard stamps carry `time`
// when the sender included the 6-byte tag.
import type { TimeTag } from './time-tag.ts'

/** A building fire system (建筑消防设施系统): the panel, by type and address. */
export interface SystemRef {
  systemType: number
  systemAddress: number
}

/** One part (部件) of such a system: detector, call point, module, pump... */
export interface PartRef extends SystemRef {
  partType: number
  /** 4 bytes, low byte first. */
  partAddress: number
}

export interface Stamped {
  time?: TimeTag
}

/** Type 1, 4 bytes. `status`: SYSTEM_STATUS_BITS. */
export interface SystemStatusObject extends SystemRef, Stamped {
  status: number
}

/** Type 2, 40 bytes. `status`: PART_STATUS_BITS; description: 31 bytes of GB 18030. */
export interface PartStatusObject extends PartRef, Stamped {
  status: number
  description: string
}

/** Type 3, 10 bytes. `quantity`: ANALOGUE_QUANTITIES; `raw`: signed 16-bit. */
export interface PartAnalogueObject extends PartRef, Stamped {
  quantity: number
  raw: number
}

/** Type 4, 4 bytes. `operation`: SYSTEM_OPERATION_BITS. */
export interface SystemOperationObject extends SystemRef, Stamped {
  operation: number
  operator: number
}

/** Type 5, 4 bytes. */
export interface SystemSoftwareObject extends SystemRef {
  major: number
  minor: number
}

/** Type 6, 3 + L bytes. `fieldBytes` is L when the text was padded (decoded frames set it). */
export interface SystemConfigObject extends SystemRef {
  description: string
  fieldBytes?: number
}

/** Type 7, 38 bytes. */
export interface PartConfigObject extends PartRef {
  description: string
}

/** Type 8, 8 bytes: the panel's clock. */
export interface SystemTimeObject extends SystemRef {
  clock: TimeTag
}

/** Type 21, 1 byte. `status`: UITD_STATUS_BITS. */
export interface UitdStatusObject extends Stamped {
  status: number
}

/** Type 24, 2 bytes. `operation`: UITD_OPERATION_BITS (bit 5 answers a patrol check). */
export interface UitdOperationObject extends Stamped {
  operation: number
  operator: number
}

/** Type 25, 2 bytes. */
export interface UitdSoftwareObject {
  major: number
  minor: number
}

/** Type 26, 1 + L bytes. */
export interface UitdConfigObject {
  description: string
  fieldBytes?: number
}

/** Type 28, 6 bytes. */
export interface UitdTimeObject {
  clock: TimeTag
}

/** Types 62, 63, 67: a part to read, by system and part address (no part type). */
export interface PartQuery extends SystemRef {
  partAddress: number
}

/** Type 64: up to `count` operation records of a system from `since`. */
export interface SystemOperationsQuery extends SystemRef {
  count: number
  since: TimeTag
}

/** Type 84: up to `count` operation records of the UITD from `since`. */
export interface UitdOperationsQuery {
  count: number
  since: TimeTag
}

/** Types 81, 85, 86, 88, 89, 91: one byte the standard reserves (0). */
export interface ReservedByte {
  reserved: number
}

/**
 * Type 90: the time to set. The sample frames send the 6-byte tag alone; the Rust implementation
 * puts a reserved byte before it. Decoding accepts both; `reserved` present = the 7-byte form.
 */
export interface ClockSync {
  clock: TimeTag
  reserved?: number
}

/** Object type of each data unit kind (the kinds are the TypeFlag names). */
export interface ObjectTypes {
  systemStatus: SystemStatusObject
  partStatus: PartStatusObject
  partAnalogue: PartAnalogueObject
  systemOperation: SystemOperationObject
  systemSoftware: SystemSoftwareObject
  systemConfig: SystemConfigObject
  partConfig: PartConfigObject
  systemTime: SystemTimeObject
  uitdStatus: UitdStatusObject
  uitdOperation: UitdOperationObject
  uitdSoftware: UitdSoftwareObject
  uitdConfig: UitdConfigObject
  uitdTime: UitdTimeObject
  readSystemStatus: SystemRef
  readPartStatus: PartQuery
  readPartAnalogue: PartQuery
  readSystemOperations: SystemOperationsQuery
  readSystemSoftware: SystemRef
  readSystemConfig: SystemRef
  readPartConfig: PartQuery
  readSystemTime: SystemRef
  readUitdStatus: ReservedByte
  readUitdOperations: UitdOperationsQuery
  readUitdSoftware: ReservedByte
  readUitdConfig: ReservedByte
  readUitdTime: ReservedByte
  initialiseUitd: ReservedByte
  syncUitdClock: ClockSync
  patrol: ReservedByte
}

export type DataUnitKind = keyof ObjectTypes

export type KnownDataUnit = { [K in DataUnitKind]: { kind: K; objects: ObjectTypes[K][] } }[DataUnitKind]

/** A type flag Firewatch does not decode (reserved or user-defined): kept as bytes. */
export interface OpaqueDataUnit {
  kind: 'opaque'
  typeFlag: number
  count: number
  body: Uint8Array
}

export type DataUnit = KnownDataUnit | OpaqueDataUnit
