import type { AlertTransition } from '../alert.ts'
import type { IncidentTransition } from '../incidents/incident.ts'
import { planIncident } from './incident-paging.ts'
import type { NotifyContext } from './notify-context.ts'

/** The notifier as a TransitionObserver of the alarm path (alerting/alarm-path.ts). */
export interface NotifyHook {
  /** Inside the alert's transaction: notes when an opened alert was received (latency metrics). */
  withinTransaction(t: AlertTransition): void
  /** After commit: a kick of the dispatcher when jobs were added. */
  afterTransition(t: AlertTransition): void
  /**
   * Inside the same transaction, after its alert transitions: the pages, updates and all-clears of
   * the incidents they changed commit with them, or not at all.
   */
  withinIncident(t: IncidentTransition): void
  /** After commit: metrics, and a kick of the dispatcher when jobs were added. */
  afterIncident(t: IncidentTransition): void
}

export function createNotifyHook(ctx: NotifyContext, kick: () => void): NotifyHook {
  let enqueued = false
  // Receipt of the reading behind each alert opened in the current transaction: the incident it
  // opens starts its latency metrics there. Emptied after every commit.
  const received = new Map<string, number>()
  // A savepoint inside the alert's transaction: should planning the jobs fail, the alert and its
  // incident still commit (the alarm path must not depend on notification code); it is logged.
  const plan = ctx.alerts.db.transaction((t: IncidentTransition) => {
    const started = t.alert === null ? undefined : received.get(t.alert)
    if (planIncident(ctx, t, started) > 0) enqueued = true
  })
  const flush = () => {
    received.clear()
    if (enqueued) {
      enqueued = false
      kick()
    }
  }
  return {
    withinTransaction(t) {
      if (t.action !== 'opened') return
      received.set(t.alert.id, t.causeReceivedAt ?? t.at)
      // Paging follows incidents: a lifecycle built without the incident keeper pages nobody.
      if (t.alert.incident === null) ctx.log.error({ alertId: t.alert.id }, 'alert in no incident: not paged')
    },
    afterTransition: flush,
    withinIncident(t) {
      try {
        plan(t)
      } catch (err) {
        ctx.log.error(
          { err, incidentId: t.incident.id, action: t.action },
          'notification jobs could not be written',
        )
      }
    },
    afterIncident(t) {
      if (t.action === 'acknowledged') observeAck(ctx, t)
      flush()
    },
  }
}

/** Time to acknowledge, once per incident, from the receipt of the reading that opened it. */
function observeAck(ctx: NotifyContext, t: IncidentTransition): void {
  const row = ctx.incidentEscalations.get(t.incident.id)
  const started = row?.started_at ?? Date.parse(t.incident.openedAt)
  ctx.metrics.acknowledged(t.incident.class, Math.max(0, t.at - started) / 1000)
}
