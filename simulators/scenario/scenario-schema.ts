import { z } from 'zod'
import { ALERT_CLASSES } from '../../alerting/alert.ts'
import { DISPOSITIONS, FALSE_ALARM_CAUSES } from '../../alerting/incidents/incident.ts'
import { parseMetricName } from '../../ingest/metrics-catalog.ts'
import { DEVICE_EVENTS } from '../../ingest/reading.ts'
import { Duration } from './duration.ts'

// The scenario file as written (YAML), before references to the site are resolved
// (load-scenario.ts). Documented in simulators/scenario/README.md.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')

export const Metric = z
  .string()
  .refine(
    (m) => parseMetricName(m) !== null,
    'not a metric name (smoke_dbm, pressure_mpa, ... with an optional :channel)',
  )

/** Which alerts an expectation or a person's action is about; every field given must match. */
export const AlertMatch = z
  .object({
    class: z.enum(ALERT_CLASSES).optional(),
    device: Id.optional(),
    rule: z
      .string()
      .regex(/^[a-z_]+\.[a-z_]+$/, 'rule ids look like "smoke.alarm"')
      .optional(),
    building: Id.optional(),
    floor: z.number().int().optional(),
    zone: z.string().min(1).optional(),
    /** true: only alerts tagged `test` (raised in a window); false: only real ones. */
    test: z.boolean().optional(),
    /** true: only alerts grouped under another (storm control); false: only ungrouped ones. */
    grouped: z.boolean().optional(),
  })
  .strict()
export type AlertMatch = z.infer<typeof AlertMatch>

/** `5m` = from the start to 5 min; `[2m, 8m]` = from 2 to 8 min (scenario time, inclusive). */
const Window = z.union([Duration, z.tuple([Duration, Duration])]).transform((w, ctx) => {
  const [from, to] = Array.isArray(w) ? w : [0, w]
  if (to < from) ctx.addIssue({ code: 'custom', message: 'the window ends before it starts' })
  return { from, to }
})
export type TimeWindow = { from: number; to: number }

export const EXPECTATION_KINDS = ['opens', 'acknowledged', 'resolves', 'never', 'active'] as const
export type ExpectationKind = (typeof EXPECTATION_KINDS)[number]

export const RawExpectation = z
  .object({
    /** An alert matching opens within the window. */
    opens: AlertMatch.optional(),
    /** An alert matching is acknowledged by a person within the window. */
    acknowledged: AlertMatch.optional(),
    /** An alert matching is resolved (cleared by the engine or resolved by a person) within the window. */
    resolves: AlertMatch.optional(),
    /** No alert matching opens within the window (default: the whole run). */
    never: AlertMatch.optional(),
    /** An alert matching is still open or acknowledged when the run ends. */
    active: AlertMatch.optional(),
    within: Window.optional(),
    /** opens: exactly this many matching alerts open within the window (default: at least one). */
    count: z.number().int().min(0).optional(),
    /** opens: the alert counted at least this many repeats of its condition. */
    minRepeats: z.number().int().min(0).optional(),
    /** Why the expectation holds, for the report. */
    why: z.string().max(300).optional(),
  })
  .strict()
  .superRefine((e, ctx) => {
    const given = EXPECTATION_KINDS.filter((k) => e[k] !== undefined)
    if (given.length !== 1) {
      ctx.addIssue({ code: 'custom', message: `give exactly one of ${EXPECTATION_KINDS.join(', ')}` })
    }
    if ((e.count !== undefined || e.minRepeats !== undefined) && e.opens === undefined) {
      ctx.addIssue({ code: 'custom', path: ['count'], message: 'count and minRepeats go with opens' })
    }
  })
export type RawExpectation = z.infer<typeof RawExpectation>

export const RawAction = z
  .object({
    at: Duration,
    /** Acknowledge the newest active alert matching. */
    ack: AlertMatch.optional(),
    /** Resolve the newest active alert matching. */
    resolve: AlertMatch.optional(),
    /** Resolve the incident of the newest active alert matching, with every member. */
    resolveIncident: AlertMatch.optional(),
    /** With resolveIncident: how it ended (a fire incident needs one). */
    disposition: z.enum(DISPOSITIONS).optional(),
    cause: z.enum(FALSE_ALARM_CAUSES).optional(),
    /** The API token acting: its name or its value in the site's apiTokens. */
    as: z.string().min(1),
    note: z.string().max(1000).optional(),
  })
  .strict()
  .refine(
    (a) => [a.ack, a.resolve, a.resolveIncident].filter((m) => m !== undefined).length === 1,
    'give exactly one of ack, resolve, resolveIncident',
  )
  .refine(
    (a) => a.resolveIncident !== undefined || (a.disposition === undefined && a.cause === undefined),
    'disposition and cause go with resolveIncident',
  )
export type RawAction = z.infer<typeof RawAction>

export const RawDevice = z
  .object({
    id: Id,
    /** Model name (smoke, pressure, level, electrical); default: the model of the device's kind. */
    model: z.string().optional(),
    params: z.record(z.string(), z.unknown()).default({}),
    seed: z.number().int().optional(),
  })
  .strict()
export type RawDevice = z.infer<typeof RawDevice>

/** A timeline step: when, on which devices, what (`do`); the other fields depend on `do`. */
export const RawStep = z.looseObject({
  at: Duration,
  device: Id.optional(),
  devices: z.array(Id).min(1).optional(),
  /** Panel steps about a part the site does not declare: the UITD that reports it. */
  uitd: Id.optional(),
  do: z.string().min(1),
})
export type RawStep = z.infer<typeof RawStep>

/** The generic steps, valid on any device whatever its model. */
export const GENERIC_STEPS = {
  set: z.object({ metric: Metric, value: z.number() }).strict(),
  ramp: z.object({ metric: Metric, to: z.number(), over: Duration }).strict(),
  noise: z.object({ metric: Metric, sd: z.number().positive(), for: Duration.optional() }).strict(),
  spike: z.object({ metric: Metric, to: z.number(), for: Duration }).strict(),
  release: z.object({ metric: Metric.optional() }).strict(),
  /** The connection drops; with will (default) the broker publishes the retained `offline` Last Will. */
  disconnect: z.object({ will: z.boolean().default(true), for: Duration.optional() }).strict(),
  reconnect: z.object({}).strict(),
  /** Connected but sending nothing (hung firmware): offline only by missed heartbeats. */
  silence: z.object({ for: Duration.optional() }).strict(),
  resume: z.object({}).strict(),
  event: z.object({ event: z.enum(DEVICE_EVENTS), detail: z.string().max(500).optional() }).strict(),
} as const
export type GenericStepName = keyof typeof GENERIC_STEPS

export const RawScenario = z
  .object({
    name: Id,
    description: z.string().max(4000).default(''),
    /** Path of a site file, relative to the scenario file, or the site itself inline. */
    site: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    /** What scenario time 0 is (ISO 8601 with offset); fixed by default so runs are repeatable. */
    start: z.iso.datetime({ offset: true }).default('2026-01-05T08:00:00Z'),
    duration: Duration,
    seed: z.number().int().default(1),
    /** `all`: every other device of the site reports too, with its default model. */
    background: z.enum(['none', 'all']).default('none'),
    devices: z.array(RawDevice).default([]),
    timeline: z.array(RawStep).default([]),
    actions: z.array(RawAction).default([]),
    expect: z.array(RawExpectation).default([]),
  })
  .strict()
export type RawScenario = z.infer<typeof RawScenario>
