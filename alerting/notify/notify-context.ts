import type { AlertStore } from '../alert-store.ts'
import type { Clock, Logger } from '../deps.ts'
import type { ChannelKind } from './channel.ts'
import type { ContactDirectory } from './contact-directory.ts'
import type { EscalationStore } from './escalation-store.ts'
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

/** The instruments of notifications (structural: gateway/metrics.ts provides them). */
export interface NotifyMetrics {
  job(channel: string, outcome: JobOutcome, count?: number): void
  /** From the receipt of the reading behind an alert to its first provider request. */
  firstRequest(cls: string, seconds: number): void
  /** From the receipt of the reading behind an alert to its acknowledgement. */
  acknowledged(cls: string, seconds: number): void
}

export const noMetrics: NotifyMetrics = { job() {}, firstRequest() {}, acknowledged() {} }

/** Everything the outbox, the dispatcher and the escalation share; one SQLite file underneath. */
export interface NotifyContext {
  alerts: AlertStore
  outbox: OutboxStore
  escalations: EscalationStore
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
