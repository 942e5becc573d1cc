// The listener's own types; what it hands on (UitdSinks and its values) is ingest/panel/uitd-sinks.ts.
export type {
  AnalogueReading,
  ComponentRef,
  OperationRecord,
  PatrolMissReason,
  UitdIdentity,
  UitdSinks,
} from '../../ingest/panel/uitd-sinks.ts'

/** Why a frame was denied (command 6); the `reason` label of firewatch_uitd_denials_total. */
export type DenyReason =
  | 'checksum'
  | 'unknown-command'
  | 'length'
  | 'unknown-type'
  | 'unexpected-command'
  | 'unexpected-type'
  | 'not-allowed'
  | 'address-changed'
  | 'sink-error'

/** The log the listener writes to (pino's Logger fits). */
export interface UitdLog {
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  debug(obj: object, msg?: string): void
}
