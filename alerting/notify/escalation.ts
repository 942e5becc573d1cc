import type { AlertRecord } from '../alert-record.ts'
import type { EscalationPolicy } from './contact-directory.ts'
import type { EscalationRow } from './escalation-store.ts'
import type { NotifyContext } from './notify-context.ts'
import { enqueueStep, type Step } from './outbox-enqueue.ts'

/** Escalations handled per call at most; the rest wait for the next tick (a bounded loop). */
const MAX_PER_CALL = 200

export interface Escalation {
  /**
   * For every open alert whose current step timed out without an acknowledgement, writes the next
   * repeat or level. A plain function of time: a 1 s timer calls it in production, tests call it
   * with virtual time. Returns how many jobs it queued.
   */
  escalate(now: number): number
}

export function createEscalation(ctx: NotifyContext): Escalation {
  const stepOne = ctx.alerts.transaction((row: EscalationRow, now: number) => escalateOne(ctx, row, now))
  return {
    escalate(now) {
      let queued = 0
      for (const row of ctx.escalations.due(now, MAX_PER_CALL)) {
        try {
          queued += stepOne(row, now)
        } catch (err) {
          // One broken row must not hold up the escalation of every other alert.
          ctx.log.error({ err, alertId: row.alert_id }, 'escalation step failed')
        }
      }
      return queued
    },
  }
}

/** One alert, in its own transaction: the alert's state is read where the jobs are written. */
function escalateOne(ctx: NotifyContext, due: EscalationRow, now: number): number {
  const row = ctx.escalations.get(due.alert_id)
  if (row?.state !== 'active' || row.next_at > now) return 0
  const alert = ctx.alerts.findRecord(row.alert_id)
  // Acknowledged or resolved: the lifecycle stopped it already; this is the belt to those braces.
  if (alert?.state !== 'open') {
    ctx.escalations.stop(row.alert_id)
    return 0
  }
  const policy = ctx.directory.policyFor(alert.building, alert.class)
  const next = policy && nextStep(policy, alert, row)
  if (!policy || !next) {
    ctx.escalations.stop(row.alert_id, 'exhausted')
    ctx.alerts.appendHistory(alert.id, note(now, 'escalation ended: every level was notified'))
    return 0
  }
  const level = policy.levels[next.level]!
  ctx.escalations.advance(alert.id, next.level, next.repeat, now + level.ackTimeoutSec * 1000)
  const targets = ctx.directory.recipients(level, alert.building).map((r) => r.contact.id)
  const text = `level ${next.level + 1} of ${policy.levels.length}, send ${next.repeat + 1}: ${targets.join(', ')}`
  ctx.alerts.appendHistory(alert.id, note(now, `not acknowledged; ${text}`))
  return enqueueStep(ctx, alert, level, next, now)
}

/**
 * The step after `row`: the next repeat of its level, else the first send of the next level.
 * [FIRE-RULE] Someone must always answer a fire: its last level repeats until acknowledged.
 * null when a non-fire alert has been through every level.
 */
export function nextStep(
  policy: EscalationPolicy,
  alert: Pick<AlertRecord, 'class'>,
  row: Step,
): Step | null {
  // The site file may have changed since the last step: stay within the levels it has now.
  const levelIndex = Math.min(row.level, policy.levels.length - 1)
  const level = policy.levels[levelIndex]!
  if (row.repeat + 1 < level.repeat) return { level: levelIndex, repeat: row.repeat + 1 }
  if (levelIndex + 1 < policy.levels.length) return { level: levelIndex + 1, repeat: 0 }
  return alert.class === 'fire' ? { level: levelIndex, repeat: row.repeat + 1 } : null
}

function note(at: number, text: string) {
  return { at, action: 'escalated' as const, actor: 'system', note: text, value: null }
}
