import type { AlertTransition } from '../alert.ts'
import { enqueueAllClear } from './all-clear.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import { enqueueStep } from './outbox-enqueue.ts'

export interface NotifyHook {
  /** For LifecycleOptions.withinTransaction: jobs commit with the transition, or not at all. */
  withinTransaction(t: AlertTransition): void
  /** For onTransition (after commit): metrics, and a kick of the dispatcher when jobs were added. */
  afterTransition(t: AlertTransition): void
}

/**
 * Actions after which nobody needs to be told any more: escalation stops, unsent jobs are
 * cancelled. `grouped`: storm control put the alert under a fire or a floor, whose own
 * notification speaks for the group (alerting/fire/storm-control.ts).
 */
const SETTLED: readonly string[] = ['acknowledged', 'resolved', 'cleared', 'grouped']
/** Actions that end an alert: those who were told of it may be told it is over. */
const RESOLVED: readonly string[] = ['resolved', 'cleared']

export function createNotifyHook(ctx: NotifyContext, kick: () => void): NotifyHook {
  let enqueued = false
  // A savepoint inside the alert's transaction: should planning the jobs fail, the alert still
  // commits (the alarm path must not depend on notification code) and the failure is logged.
  const plan = ctx.alerts.db.transaction((t: AlertTransition) => {
    if (planJobs(ctx, t)) enqueued = true
  })
  return {
    withinTransaction(t) {
      try {
        plan(t)
      } catch (err) {
        ctx.log.error(
          { err, alertId: t.alert.id, action: t.action },
          'notification jobs could not be written',
        )
      }
    },
    afterTransition(t) {
      if (t.action === 'acknowledged') observeAck(ctx, t)
      if (enqueued) {
        enqueued = false
        kick()
      }
    },
  }
}

/** Writes what a transition means for notifications; true when jobs were queued. */
function planJobs(ctx: NotifyContext, t: AlertTransition): boolean {
  const now = ctx.clock.now()
  if (t.action === 'opened') {
    const silent = silentReason(t)
    if (silent !== null) {
      noteNotified(ctx, t.alert.id, silent, now)
      return false
    }
    const first = ctx.directory.policyFor(t.alert.building, t.alert.class)?.levels[0]
    if (!first) return false
    ctx.escalations.start(t.alert.id, now + first.ackTimeoutSec * 1000, t.causeReceivedAt ?? now)
    return enqueueStep(ctx, t.alert, first, { level: 0, repeat: 0 }, now) > 0
  }
  if (!SETTLED.includes(t.action)) return false
  // Before the cancel below: a message in flight now counts as told.
  const allClear = RESOLVED.includes(t.action) ? enqueueAllClear(ctx, t.alert, now) : 0
  ctx.escalations.stop(t.alert.id)
  const cancelled = ctx.outbox.cancelPendingOf(t.alert.id, now)
  if (cancelled > 0) ctx.metrics.job('any', 'cancelled', cancelled)
  return allClear > 0
}

/** Alerts recorded but not notified (issue 7): inside a test window, or part of a group. */
function silentReason(t: AlertTransition): string | null {
  if (t.alert.tags.includes('test')) return 'not notified: raised inside a test or maintenance window'
  if (t.alert.groupedUnder !== null) return `not notified: grouped under ${t.alert.groupedUnder}`
  return null
}

function observeAck(ctx: NotifyContext, t: AlertTransition): void {
  const row = ctx.escalations.get(t.alert.id)
  const started = row?.started_at ?? Date.parse(t.alert.openedAt)
  ctx.metrics.acknowledged(t.alert.class, Math.max(0, t.at - started) / 1000)
}
