import type { AlertClass } from '../alert.ts'
import type { ChannelKind } from './channel.ts'
import { type Contact, channelsOf, type EscalationLevel } from './contact-directory.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import type { JobKind, OutboxJob } from './outbox-store.ts'

/** The alert a step is planned for. */
export interface StepAlert {
  id: string
  class: AlertClass
  building: string
}

/** One step of an escalation: level index and repeat within the level, both from 0. */
export interface Step {
  level: number
  repeat: number
}

export const jobKey = (alertId: string, contact: string, channel: string, step: Step) =>
  `${alertId}:${contact}:${channel}:${step.level}:${step.repeat}`

const digestKey = (contact: string, channel: string, alertId: string, step: Step) =>
  `digest:${contact}:${channel}:${alertId}:${step.level}:${step.repeat}`

/** One all-clear per contact and channel of an alert; never equal to an alert job's key. */
export const allClearKey = (alertId: string, contact: string, channel: string) =>
  `${alertId}:${contact}:${channel}:all-clear`

/**
 * Writes the jobs of one step (runs inside the caller's transaction). Each target gets its first
 * working channel (or all of them, `sendOn: all`); a target over its budget gets a folded job and
 * a digest instead. Returns how many jobs are pending for dispatch.
 */
export function enqueueStep(
  ctx: NotifyContext,
  alert: StepAlert,
  level: EscalationLevel,
  step: Step,
  now: number,
): number {
  let pending = 0
  for (const r of ctx.directory.recipients(level, alert.building)) {
    const channels = r.channels.filter((ch) => usable(ctx, r.contact, ch))
    const first = channels[0]
    if (first === undefined) {
      noteNotified(ctx, alert.id, `no working channel for ${r.contact.id}`, now)
      ctx.metrics.job(r.channels[0] ?? 'none', 'unreachable')
      continue
    }
    if (ctx.directory.throttled(alert.class) && overBudget(ctx, r.contact.id, now)) {
      fold(ctx, alert, r.contact, first, step, now)
      continue
    }
    for (const channel of r.sendOn === 'all' ? channels : [first]) {
      if (insertJob(ctx, alert, r.contact.id, channel, step, now)) pending++
    }
  }
  return pending
}

/**
 * After a permanent failure: the contact's next working channel of the same step, due at once.
 * Returns the new job, or undefined when no channel is left (noted in the history).
 */
export function enqueueNextChannel(ctx: NotifyContext, job: OutboxJob, now: number): OutboxJob | undefined {
  const contact = ctx.directory.contact(job.contact)
  if (!contact) return undefined
  const used = ctx.outbox.channelsOfStep(job)
  const next = channelOrder(ctx, job, contact).find((ch) => !used.includes(ch) && usable(ctx, contact, ch))
  if (next === undefined) {
    noteNotified(ctx, job.alert_id, `no channel left for ${contact.id}`, now)
    ctx.metrics.job(job.channel, 'unreachable')
    return undefined
  }
  const step = { level: job.level, repeat: job.repeat }
  const key = keyOfKind(job, contact.id, next, step)
  const added = ctx.outbox.insert({
    ...newJob({ id: job.alert_id, class: job.class as AlertClass }, contact.id, next, step, now),
    kind: job.kind,
    ...(key ? { job_key: key } : {}),
  })
  if (added && job.kind === 'digest') ctx.outbox.moveFolded(job.id, added.id)
  return added
}

function keyOfKind(job: OutboxJob, contact: string, channel: ChannelKind, step: Step): string | undefined {
  if (job.kind === 'digest') return digestKey(contact, channel, job.alert_id, step)
  if (job.kind === 'all_clear') return allClearKey(job.alert_id, contact, channel)
  return undefined
}

/** The channels a job's contact has at the job's level (or, for a digest or all-clear, its own). */
function channelOrder(ctx: NotifyContext, job: OutboxJob, contact: Contact): ChannelKind[] {
  if (job.kind !== 'alert') return contact.channels
  const alert = ctx.alerts.findRecord(job.alert_id)
  const level = alert && ctx.directory.policyFor(alert.building, alert.class)?.levels[job.level]
  return level ? channelsOf(level, contact) : contact.channels
}

/** A channel is usable when configured, and its address (or a push subscription) is not known bad. */
export function usable(ctx: NotifyContext, contact: Contact, channel: ChannelKind): boolean {
  if (!ctx.available.has(channel)) return false
  if (channel === 'push') return ctx.push.goodOf(contact.id).length > 0
  const destination = ctx.directory.address(contact, channel)
  return destination !== null && ctx.escalations.badAddress(contact.id, channel) !== destination.address
}

function overBudget(ctx: NotifyContext, contact: string, now: number): boolean {
  const { max, windowSec, classes } = ctx.directory.settings.budget
  return ctx.outbox.countRecent(contact, now - windowSec * 1000, classes) >= max
}

/** Over budget: the job is kept as `folded` and listed by the contact's next digest. */
function fold(
  ctx: NotifyContext,
  alert: StepAlert,
  contact: Contact,
  channel: ChannelKind,
  step: Step,
  now: number,
): void {
  const { max, windowSec, classes } = ctx.directory.settings.budget
  let digest = ctx.outbox.openDigest(contact.id)
  if (!digest) {
    // Due when the oldest counted message leaves the window, i.e. when the budget allows one more.
    const oldest = ctx.outbox.oldestRecent(contact.id, now - windowSec * 1000, classes)
    digest = ctx.outbox.insert({
      ...newJob(alert, contact.id, channel, step, now),
      job_key: digestKey(contact.id, channel, alert.id, step),
      kind: 'digest',
      due_at: Math.max(now, (oldest ?? now) + windowSec * 1000),
    })
  }
  ctx.outbox.insert({
    ...newJob(alert, contact.id, channel, step, now),
    state: 'folded',
    digest_id: digest?.id ?? null,
  })
  noteNotified(
    ctx,
    alert.id,
    `${channel} to ${contact.id}: folded into a digest (budget ${max} per ${windowSec} s)`,
    now,
  )
  ctx.metrics.job(channel, 'folded')
}

function insertJob(
  ctx: NotifyContext,
  alert: StepAlert,
  contact: string,
  channel: ChannelKind,
  step: Step,
  now: number,
): boolean {
  return ctx.outbox.insert(newJob(alert, contact, channel, step, now)) !== undefined
}

export function newJob(
  alert: Pick<StepAlert, 'id' | 'class'>,
  contact: string,
  channel: ChannelKind,
  step: Step,
  now: number,
) {
  return {
    job_key: jobKey(alert.id, contact, channel, step),
    kind: 'alert' as JobKind,
    alert_id: alert.id,
    class: alert.class,
    contact,
    channel,
    level: step.level,
    repeat: step.repeat,
    // [FIRE-RULE] Fire traffic goes first (GB 26875.1 §4.1.2.3: fire alarms pre-empt other traffic).
    urgent: alert.class === 'fire' ? 1 : 0,
    state: 'pending' as 'pending' | 'folded',
    created_at: now,
    due_at: now,
    digest_id: null as number | null,
  }
}

/** After a failure of `job`: the contact's next channel of the step, unless nobody needs it now. */
export function settleOrMoveOn(ctx: NotifyContext, job: OutboxJob, now: number): boolean {
  // An acknowledged or resolved alert needs no other channel; a digest always does.
  const alert = ctx.alerts.findRecord(job.alert_id)
  if (job.kind === 'alert' && alert?.state !== 'open') return false
  return enqueueNextChannel(ctx, job, now) !== undefined
}
