import type { DispositionKind, FalseAlarmCause } from '../../alerting/incidents/incident.ts'
import type { PartStatusName } from '../../ingest/gbt26875/index.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { SensorDevice } from '../../ingest/site/site-schema.ts'
import type { Uitd } from '../../ingest/site/uitd-schema.ts'
import type { ModelEvent, ModelSpec } from '../models/device-model.ts'
import type { OverlayStep } from '../models/metric-overlays.ts'
import type { ConnectionStep } from '../models/sim-device.ts'
import type { AlertMatch, ExpectationKind, TimeWindow } from './scenario-schema.ts'

/** A scenario with every reference resolved against its site; what the runners take. */
export interface LoadedScenario {
  /** The scenario file, or the name given to parseScenario. */
  file: string
  name: string
  description: string
  site: SiteModel
  /** Epoch ms of scenario time 0 in virtual runs. */
  start: number
  durationMs: number
  seed: number
  /** The simulated devices: those listed, plus every other enabled site device with `background: all`. */
  devices: ScenarioDevice[]
  /** In time order (stable for equal times). */
  timeline: TimelineStep[]
  actions: PersonAction[]
  expectations: Expectation[]
}

export interface ScenarioDevice {
  device: SensorDevice
  model: ModelSpec
  /** Parsed model parameters, defaults filled in. */
  params: Record<string, unknown>
  seed: number
  /** False for background devices. */
  listed: boolean
}

/**
 * A report of the building's fire panel through its UITD (GB/T 26875.3): a part's status bits, or
 * an analogue value. In virtual runs it is decoded and handed to the ingest pipeline in-process, in
 * live runs sent by a simulated UITD over TCP.
 */
export interface PanelReport {
  uitd: Uitd
  part: { systemType: number; systemAddress: number; partType: number; partAddress: number }
  what:
    | { kind: 'state'; state: Exclude<PartStatusName, 'normal'>[]; test: boolean; description: string }
    | { kind: 'value'; quantity: number; raw: number }
}

export type StepAction =
  | { type: 'panel'; report: PanelReport }
  | { type: 'overlay'; step: OverlayStep }
  | { type: 'connection'; step: ConnectionStep }
  | { type: 'event'; event: ModelEvent }
  | { type: 'behaviour'; name: string; params: Record<string, unknown> }

export interface TimelineStep {
  at: number
  devices: SensorDevice[]
  action: StepAction
  /** `do` as written, for reports. */
  label: string
}

export interface PersonAction {
  at: number
  /** resolve_incident: the incident of the matching alert, with every member. */
  type: 'ack' | 'resolve' | 'resolve_incident'
  match: AlertMatch
  /** resolve_incident only. */
  disposition: DispositionKind | null
  cause: FalseAlarmCause | null
  /** The acting token (from the site's apiTokens). */
  tokenName: string
  token: string
  note: string | null
}

export interface Expectation {
  kind: ExpectationKind
  match: AlertMatch
  window: TimeWindow
  count: number | null
  minRepeats: number | null
  why: string | null
  /** A one-line rendering, e.g. "opens fire smoke.alarm ta-12-smoke-03". */
  label: string
}
