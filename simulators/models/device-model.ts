import { z } from 'zod'
import type { DeviceEventKind } from '../../ingest/reading.ts'
import type { SensorDevice, SensorKind } from '../../ingest/site/site-schema.ts'
import type { Prng } from './prng.ts'

/** An event the device reports about itself (docs/protocol.md, "Events"). */
export interface ModelEvent {
  event: DeviceEventKind
  detail?: string
}

export const NO_EVENTS: readonly ModelEvent[] = Object.freeze([])

/**
 * The physics and firmware of one device kind. SimDevice (sim-device.ts) does what is common to
 * every kind: cadence, sequence numbers, scenario overlays (set, ramp, ...), connection state and
 * the payloads themselves.
 *
 * Times `t` are milliseconds since the scenario started and never decrease between calls: models
 * integrate their state forward from one sample to the next, so they must be sampled in order.
 */
export interface KindModel {
  /** Telemetry metric names (docs/protocol.md, with channel), in payload order. */
  readonly metrics: readonly string[]
  /** What the sensors measure at t, into out[i] for metrics[i]. */
  sample(t: number, out: Float64Array): void
  /** Starts a behaviour (smoulder, discharge, ...); returns events the device sends at once. */
  behave(name: string, params: Record<string, unknown>, t: number): readonly ModelEvent[]
  /**
   * The device's own decisions on what it reported (after scenario overlays, since those stand
   * for the physical world): its certified fire_alarm, battery_low, and the like.
   */
  decide(t: number, values: Float64Array): readonly ModelEvent[]
  /** True while something is changing: the device then reports at its active cadence. */
  busy(t: number): boolean
}

export interface ModelContext<P> {
  device: SensorDevice
  params: P
  prng: Prng
}

/** A model of one device kind: its device parameters, its behaviours and how to build it. */
export interface ModelSpec<P = Record<string, unknown>> {
  /** The name used in scenario files (`model: smoke`). */
  name: string
  kind: SensorKind
  /** Parameters of the device (`devices[].params`), with defaults; strict. */
  params: z.ZodType<P>
  /** Behaviour name -> schema of its step fields (strict, with defaults). */
  behaviours: Readonly<Record<string, z.ZodType>>
  create(context: ModelContext<P>): KindModel
  /** Checks a behaviour step against the device's parameters (e.g. a phase it does not have). */
  checkStep?(
    params: P,
    behaviour: string,
    step: Record<string, unknown>,
  ): { field: string; message: string } | null
}

/**
 * Reporting cadence shared by every kind: a heartbeat-paced report when quiet, a fast one while a
 * behaviour or a scenario overlay is active (report-on-change, as IoT sensors do).
 */
export const cadenceFields = (reportSec: number, activeSec: number) => ({
  reportSec: z.number().min(1).max(86_400).default(reportSec),
  activeSec: z.number().min(0.5).max(3_600).default(activeSec),
})

export interface Cadence {
  reportSec: number
  activeSec: number
}

export const DAY_MS = 86_400_000
export const HOUR_MS = 3_600_000
