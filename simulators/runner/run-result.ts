import type { Alert } from '../../alerting/alert.ts'
import type { Incident } from '../../alerting/incidents/incident.ts'
import type { LoadedScenario, PersonAction } from '../scenario/scenario-types.ts'
import type { ExpectationResult } from './expectations.ts'

/** What a person's action (ack / resolve) did. */
export interface ActionResult {
  action: PersonAction
  /** Scenario ms when it was carried out. */
  at: number
  ok: boolean
  alertId: string | null
  detail: string
}

/** The outcome of one scenario run, virtual or live. */
export interface RunResult {
  scenario: LoadedScenario
  mode: 'virtual' | 'live'
  met: ExpectationResult[]
  missed: ExpectationResult[]
  /** Every alert opened during the run (newest first), as the API shows them. */
  alerts: Alert[]
  /** Every incident opened during the run (newest first); virtual runs only. */
  incidents?: Incident[]
  /** Readings (metric values) accepted by the pipeline (virtual) or published and acknowledged (live). */
  readings: number
  /** Real time the run took. */
  durationMs: number
  actions: ActionResult[]
  /** Anything the reader should know: ingest problems, speed caveats, pre-existing alerts. */
  notes: string[]
  /** Scenario time of an alert's instant, as the expectations were judged. */
  timeOf: (alert: Alert, field: 'openedAt' | 'acknowledgedAt' | 'resolvedAt') => number | null
}

/** Progress of a run, 0..1 of the scenario's duration. */
export type ProgressListener = (fraction: number) => void
