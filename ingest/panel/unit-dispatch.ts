import {
  analogueValue,
  type KnownDataUnit,
  type ObjectTypes,
  type PartRef,
  partStatus,
  type SystemRef,
  systemOperation,
  systemStatus,
  type TimeTag,
  timeTagToEpochMs,
  uitdOperation,
  uitdStatus,
} from '../gbt26875/index.ts'
import type { ComponentRef, UitdIdentity, UitdSinks } from './uitd-sinks.ts'

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

const system = (o: SystemRef): SystemRef => ({ systemType: o.systemType, systemAddress: o.systemAddress })

type Handler<K extends keyof ObjectTypes> = (o: ObjectTypes[K], ctx: DispatchContext, at: number) => unknown

/** What each kind of object becomes; kinds not here (versions, configuration, clocks) go to `information`. */
const HANDLERS: { [K in keyof ObjectTypes]?: Handler<K> } = {
  partStatus: (o, c, at) =>
    c.sinks.componentStatus?.(
      c.uitd,
      component(o),
      partStatus(o.status),
      o.description.trimEnd(),
      at,
      c.receivedAt,
    ),
  partAnalogue: (o, c, at) => {
    const reading = { quantity: o.quantity, raw: o.raw, ...analogueValue(o.quantity, o.raw) }
    return c.sinks.analogue?.(c.uitd, component(o), reading, at, c.receivedAt)
  },
  systemStatus: (o, c, at) =>
    c.sinks.systemStatus?.(c.uitd, system(o), systemStatus(o.status), at, c.receivedAt),
  systemOperation: (o, c, at) => {
    const record = {
      of: 'system' as const,
      system: system(o),
      operation: systemOperation(o.operation),
      operator: o.operator,
    }
    return c.sinks.operationRecord?.(c.uitd, record, at, c.receivedAt)
  },
  uitdOperation: async (o, c, at) => {
    const operation = uitdOperation(o.operation)
    await c.sinks.operationRecord?.(c.uitd, { of: 'uitd', operation, operator: o.operator }, at, c.receivedAt)
    if (operation.patrolAnswer) c.onPatrolAnswer(o.operator)
  },
  uitdStatus: (o, c, at) => c.sinks.uitdStatus?.(c.uitd, uitdStatus(o.status), at, c.receivedAt),
}

/** Hands every object of an upstream data unit to its sink, in order; a sink's throw propagates. */
export async function dispatchUnit(unit: KnownDataUnit, ctx: DispatchContext): Promise<void> {
  const handler = HANDLERS[unit.kind] as Handler<typeof unit.kind> | undefined
  if (!handler) {
    await ctx.sinks.information?.(ctx.uitd, unit.kind, unit.objects, ctx.receivedAt)
    return
  }
  for (const o of unit.objects as (ObjectTypes[typeof unit.kind] & { time?: TimeTag })[]) {
    const at = (o.time && timeTagToEpochMs(o.time, ctx.timeZone)) ?? ctx.frameAt
    await handler(o, ctx, at)
  }
}
