import type { DispositionKind, FalseAlarmCause } from '../../alerting/incidents/incident.ts'
import type { SiteModel } from '../../ingest/site-model.ts'
import type { Device } from '../../ingest/site-schema.ts'
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
  device: Device
  model: ModelSpec
  /** Parsed model parameters, defaults filled in. */
  params: Record<string, unknown>
  seed: number
  /** False for background devices. */
  listed: boolean
}

export type StepAction =
  | { type: 'overlay'; step: OverlayStep }
  | { type: 'connection'; step: ConnectionStep }
  | { type: 'event'; event: ModelEvent }
  | { type: 'behaviour'; name: string; params: Record<string, unknown> }

export interface TimelineStep {
  at: number
  devices: Device[]
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
