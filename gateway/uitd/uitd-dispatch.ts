import {
  analogueValue,
  type KnownDataUnit,
  type PartRef,
  partStatus,
  systemOperation,
  systemStatus,
  type TimeTag,
  timeTagToEpochMs,
  uitdOperation,
  uitdStatus,
} from '../../ingest/gbt26875/index.ts'
import type { ComponentRef, UitdIdentity, UitdSinks } from './uitd-types.ts'

/** Data unit kinds a UITD sends (types 1-8 and 21-28); the rest only a centre sends. */
export const UPSTREAM_KINDS = new Set<string>([
  'systemStatus',
  'partStatus',
  'partAnalogue',
  'systemOperation',
  'systemSoftware',
  'systemConfig',
  'partConfig',
  'systemTime',
  'uitdStatus',
  'uitdOperation',
  'uitdSoftware',
  'uitdConfig',
  'uitdTime',
])

export interface DispatchContext {
  uitd: UitdIdentity
  timeZone: string
  /** The frame's own time tag, read in timeZone, or receivedAt when it is no date. */
  frameAt: number
  receivedAt: number
  sinks: UitdSinks
  /** A UITD operation record with the patrol-answer bit (查岗应答). */
  onPatrolAnswer(operator: number): void
}

const component = (p: PartRef): ComponentRef => ({
  systemType: p.systemType,
  systemAddress: p.systemAddress,
  partType: p.partType,
  partAddress: p.partAddress,
})

/** Hands every object of an upstream data unit to its sink, in order; a sink's throw propagates. */
export async function dispatchUnit(unit: KnownDataUnit, ctx: DispatchContext): Promise<void> {
  const { uitd, sinks, receivedAt: rx } = ctx
  const at = (time: TimeTag | undefined) => (time && timeTagToEpochMs(time, ctx.timeZone)) ?? ctx.frameAt
  switch (unit.kind) {
    case 'partStatus':
      for (const o of unit.objects) {
        const text = o.description.trimEnd()
        await sinks.componentStatus?.(uitd, component(o), partStatus(o.status), text, at(o.time), rx)
      }
      return
    case 'partAnalogue':
      for (const o of unit.objects) {
        const reading = { quantity: o.quantity, raw: o.raw, ...analogueValue(o.quantity, o.raw) }
        await sinks.analogue?.(uitd, component(o), reading, at(o.time), rx)
      }
      return
    case 'systemStatus':
      for (const o of unit.objects) {
        const system = { systemType: o.systemType, systemAddress: o.systemAddress }
        await sinks.systemStatus?.(uitd, system, systemStatus(o.status), at(o.time), rx)
      }
      return
    case 'systemOperation':
      for (const o of unit.objects) {
        const system = { systemType: o.systemType, systemAddress: o.systemAddress }
        const record = {
          of: 'system' as const,
          system,
          operation: systemOperation(o.operation),
          operator: o.operator,
        }
        await sinks.operationRecord?.(uitd, record, at(o.time), rx)
      }
      return
    case 'uitdOperation':
      for (const o of unit.objects) {
        const operation = uitdOperation(o.operation)
        await sinks.operationRecord?.(uitd, { of: 'uitd', operation, operator: o.operator }, at(o.time), rx)
        if (operation.patrolAnswer) ctx.onPatrolAnswer(o.operator)
      }
      return
    case 'uitdStatus':
      for (const o of unit.objects) await sinks.uitdStatus?.(uitd, uitdStatus(o.status), at(o.time), rx)
      return
    default:
      await sinks.information?.(uitd, unit.kind, unit.objects, rx)
  }
}
