import type { AlertStore } from '../alert-store.ts'
import type { Clock, Logger } from '../deps.ts'
import type { IncidentAction } from '../incidents/incident.ts'
import type { IncidentStore } from '../incidents/incident-store.ts'
import type { ChannelKind } from './channel.ts'
import type { ContactDirectory } from './contact-directory.ts'
import type { EscalationStore } from './escalation-store.ts'
import type { HeldReports } from './held-reports.ts'
import type { IncidentEscalations } from './incident-escalations.ts'
import type { IncidentJobs } from './incident-jobs.ts'
import type { OutboxStore } from './outbox-store.ts'
import type { PushSubscriptions } from './push-subscriptions.ts'

/** What a job's attempt came to, as counted in the metrics. */
export type JobOutcome =
  | 'sent'
  | 'retry'
  | 'permanent'
  | 'unavailable'
  | 'folded'
  | 'cancelled'
  | 'unreachable'
  | 'expired'
  /** Provider reports after the send (SMS delivery receipts). */
  | 'delivered'
  | 'undelivered'

/**
 * What became of a provider report that named a message id no job had yet: `held` on arrival, then
 * `applied` once the send recorded the id, or `expired` (the id never appeared) or `dropped` (too
 * many held at once).
 */
export type HeldReportOutcome = 'held' | 'applied' | 'expired' | 'dropped'

/** The instruments of notifications (structural: gateway/metrics.ts provides them). */
export interface NotifyMetrics {
  job(channel: string, outcome: JobOutcome, count?: number): void
  /** From the receipt of the reading that opened an incident to its first provider request. */
  firstRequest(cls: string, seconds: number): void
  /** From the receipt of the reading that opened an incident to its acknowledgement. */
  acknowledged(cls: string, seconds: number): void
  heldReport(channel: string, outcome: HeldReportOutcome, count?: number): void
}

export const noMetrics: NotifyMetrics = { job() {}, firstRequest() {}, acknowledged() {}, heldReport() {} }

/** Everything the outbox, the dispatcher and the escalation share; one SQLite file underneath. */
export interface NotifyContext {
  alerts: AlertStore
  outbox: OutboxStore
  /** Bad channels (and the per-alert escalations of older gateways). */
  escalations: EscalationStore
  /** Incidents as the keeper stores them: read here, and their timeline told of the paging. */
  incidents: IncidentStore
  incidentJobs: IncidentJobs
  incidentEscalations: IncidentEscalations
  /** Provider reports that came before their message id was recorded. */
  held: HeldReports
  push: PushSubscriptions
  directory: ContactDirectory
  /** Channels configured in this gateway: jobs are not planned on the others. */
  available: ReadonlySet<ChannelKind>
  clock: Clock
  log: Logger
  metrics: NotifyMetrics
}

/** A 'notified' entry in the alert's history: every send attempt and its outcome is there. */
export function noteNotified(ctx: NotifyContext, alertId: string, note: string, at: number): void {
  ctx.alerts.appendHistory(alertId, { at, action: 'notified', actor: 'system', note, value: null })
}

/** An entry of the incident's timeline about its paging (`notified`, `escalated`). */
export function noteIncident(
  ctx: NotifyContext,
  incidentId: string,
  action: Extract<IncidentAction, 'notified' | 'escalated'>,
  note: string,
  at: number,
  alertId: string | null = null,
): void {
  ctx.incidents.appendTimeline(incidentId, { at, action, actor: 'system', alert: alertId, floor: null, note })
}
