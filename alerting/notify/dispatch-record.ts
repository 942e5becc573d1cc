import { retryDelayMs } from './backoff.ts'
import type { SendResult } from './channel.ts'
import type { Contact } from './contact-directory.ts'
import { applyHeldReports } from './delivery-reports.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import { settleOrMoveOn } from './outbox-enqueue.ts'
import type { OutboxJob } from './outbox-store.ts'

/** Non-fire jobs stop being retried after a day; fire jobs are retried until they get through. */
const GIVE_UP_AFTER_MS = 24 * 3_600_000

const KIND_WORDS: Record<OutboxJob['kind'], string> = {
  alert: '',
  digest: 'digest ',
  all_clear: 'all-clear ',
  update: 'update ',
}

/** What one attempt came to; push jobs also say which subscriptions got it and which refused it. */
export interface Delivery {
  result: SendResult
  /** Push: every subscription that has the message now (earlier attempts included). */
  delivered?: number[]
  /** Push: subscriptions the push service refused for good; `gone` ones no longer exist there. */
  refused?: { id: number; reason: string; gone: boolean }[]
  /** The address that failed, for a permanent failure of sms or webhook. */
  address?: string
}

/**
 * Writes the outcome of one attempt, its history entry and, after a permanent failure (or an
 * undelivered report that came before the answer), the job for the contact's next channel, all in
 * one transaction. Returns true when a new job is due now.
 */
export function recordDelivery(
  ctx: NotifyContext,
  job: OutboxJob,
  contact: Contact,
  delivery: Delivery,
  random: () => number,
): boolean {
  const now = ctx.clock.now()
  const what = `${KIND_WORDS[job.kind]}${job.channel} to ${contact.id} (level ${job.level + 1}, send ${job.repeat + 1}, attempt ${job.attempts})`
  if (delivery.delivered) ctx.outbox.setDelivered(job.id, delivery.delivered)
  // A subscription the push service no longer knows (404 / 410) can never work again: removed.
  // Any other refusal leaves it marked bad, for an admin to see and clear.
  for (const bad of delivery.refused ?? []) {
    if (bad.gone) ctx.push.remove(bad.id)
    else if (marksBad(job)) ctx.push.markBad(bad.id, bad.reason, now)
  }
  const { result } = delivery
  if (result.outcome === 'sent') {
    ctx.outbox.markSent(job.id, result.providerId, now)
    noteNotified(ctx, job.alert_id, `${what}: sent, provider id ${result.providerId}`, now)
    if (job.kind === 'digest') noteListedInDigest(ctx, job, what, result.providerId, now)
    ctx.metrics.job(job.channel, 'sent')
    // The provider's status callback may have overtaken its answer to the send.
    return applyHeldReports(ctx, job, result.providerId, now)
  }
  if (result.outcome === 'retry') {
    if (job.urgent === 0 && now - job.created_at > GIVE_UP_AFTER_MS) {
      ctx.outbox.markFailed(job.id, `gave up: ${result.reason}`, now)
      noteNotified(
        ctx,
        job.alert_id,
        `${what}: gave up after ${job.attempts} attempts (${result.reason})`,
        now,
      )
      ctx.metrics.job(job.channel, 'expired')
      return false
    }
    const delay = retryDelayMs(job.attempts, result.retryAfterMs, job.urgent === 1, random)
    ctx.outbox.markRetry(job.id, now + delay, result.reason)
    noteNotified(ctx, job.alert_id, `${what}: ${result.reason}; retry in ${(delay / 1000).toFixed(1)} s`, now)
    ctx.metrics.job(job.channel, 'retry')
    return false
  }
  return recordPermanent(ctx, job, contact, delivery.address, result.reason, what, now)
}

/**
 * An all-clear's permanent failure moves on to the next channel but marks nothing bad: its
 * template or text differs from the alarms', and a mark it left wrongly would silence the next
 * fire on that channel.
 */
function marksBad(job: OutboxJob): boolean {
  return job.kind !== 'all_clear'
}

/** Every alert a digest listed gets the message in its own history, not only the one that started it. */
function noteListedInDigest(
  ctx: NotifyContext,
  job: OutboxJob,
  what: string,
  providerId: string,
  now: number,
) {
  const listed = new Set(ctx.outbox.foldedInto(job.id).map((folded) => folded.alert_id))
  listed.delete(job.alert_id)
  for (const alertId of listed)
    noteNotified(ctx, alertId, `listed in ${what}: sent, provider id ${providerId}`, now)
}

/** The channel (or, for push, the subscriptions) is marked bad and the next channel gets a job. */
function recordPermanent(
  ctx: NotifyContext,
  job: OutboxJob,
  contact: Contact,
  address: string | undefined,
  reason: string,
  what: string,
  now: number,
): boolean {
  ctx.outbox.markFailed(job.id, reason, now)
  if (address !== undefined && marksBad(job))
    ctx.escalations.markBad(contact.id, job.channel, address, reason, now)
  noteNotified(ctx, job.alert_id, `${what}: failed for good (${reason})`, now)
  ctx.metrics.job(job.channel, 'permanent')
  return settleOrMoveOn(ctx, job, now)
}

/** A job that cannot be sent on its channel (not configured, no address): next channel at once. */
export function recordUnavailable(ctx: NotifyContext, job: OutboxJob, reason: string): boolean {
  const now = ctx.clock.now()
  ctx.outbox.markFailed(job.id, reason, now)
  noteNotified(ctx, job.alert_id, `${job.channel} to ${job.contact}: not sent (${reason})`, now)
  ctx.metrics.job(job.channel, 'unavailable')
  return settleOrMoveOn(ctx, job, now)
}
