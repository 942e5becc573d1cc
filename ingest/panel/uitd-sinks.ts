// What a GB/T 26875.3 receiver hands on, decoded: the interface between the listener (gateway/uitd/)
// and what takes the panel's reports (ingest/panel/panel-ingest.ts, the virtual-time runner).
import type {
  NamedFlags,
  PartStatusName,
  SystemOperationName,
  SystemRef,
  SystemStatusName,
  UitdOperationName,
  UitdStatusName,
} from '../gbt26875/index.ts'

/** Who a UITD is, as the site knows it; what allow() returns for an address it accepts. */
export interface UitdIdentity {
  /** Stable name (the site's id for the device): the `uitd` label of the metrics, what sinks receive. */
  id: string
  /** IANA zone of its time tags and of the clock it is set to; the listener's timeZone when absent. */
  timeZone?: string
}

/** A part of a building fire system, as the panel addresses it. */
export interface ComponentRef {
  systemType: number
  systemAddress: number
  partType: number
  partAddress: number
}

export interface AnalogueReading {
  quantity: number
  raw: number
  /** raw × the standard's minimum unit for the quantity (raw itself for an unknown quantity). */
  value: number
  unit: string
  name: string
}

export type OperationRecord =
  | { of: 'system'; system: SystemRef; operation: NamedFlags<SystemOperationName>; operator: number }
  | { of: 'uitd'; operation: NamedFlags<UitdOperationName>; operator: number }

/** Why a patrol check got no answer: none came before the deadline, the command was not confirmed, no connection. */
export type PatrolMissReason = 'no-answer' | 'undelivered' | 'not-connected'

/**
 * Where the listener hands what UITDs report. Every call is awaited before the frame is confirmed:
 * a sink that throws (or rejects) gets the frame denied, and the UITD sends it again. `at` is the
 * object's time tag read in the UITD's time zone, else the frame's, else `receivedAt`.
 */
export interface UitdSinks {
  componentStatus?(
    uitd: UitdIdentity,
    component: ComponentRef,
    flags: NamedFlags<PartStatusName>,
    description: string,
    at: number,
    receivedAt: number,
  ): void | Promise<void>
  analogue?(
    uitd: UitdIdentity,
    component: ComponentRef,
    reading: AnalogueReading,
    at: number,
    receivedAt: number,
  ): void | Promise<void>
  operationRecord?(
    uitd: UitdIdentity,
    record: OperationRecord,
    at: number,
    receivedAt: number,
  ): void | Promise<void>
  systemStatus?(
    uitd: UitdIdentity,
    system: SystemRef,
    flags: NamedFlags<SystemStatusName>,
    at: number,
    receivedAt: number,
  ): void | Promise<void>
  uitdStatus?(
    uitd: UitdIdentity,
    flags: NamedFlags<UitdStatusName>,
    at: number,
    receivedAt: number,
  ): void | Promise<void>
  /** Versions, configuration and clocks (types 5-8, 25, 26, 28): for logs and inventories. */
  information?(
    uitd: UitdIdentity,
    kind: string,
    objects: readonly unknown[],
    receivedAt: number,
  ): void | Promise<void>
  /** A UITD connected and was accepted, or spoke again after uitdSilent. */
  uitdSeen?(uitd: UitdIdentity, at: number, remoteIp: string): void
  /** Nothing from the UITD for silenceTimeoutMs (connected or not). */
  uitdSilent?(uitd: UitdIdentity, lastSeenAt: number, at: number): void
  patrolAnswered?(uitd: UitdIdentity, sentAt: number, answeredAt: number, operator: number): void
  patrolMissed?(uitd: UitdIdentity, sentAt: number, reason: PatrolMissReason): void
  /** A connection refused: its source address is not allowed. */
  refused?(sourceAddress: number, remoteIp: string): void
}
