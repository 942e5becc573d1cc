import type { AlertClass } from '../alert.ts'
import type { ChannelKind } from './channel.ts'
import { type Contact, channelsOf, type EscalationLevel } from './contact-directory.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import type { NewJob, OutboxJob } from './outbox-store.ts'

/** What a page is planned for: an incident, carried by its lead alert. */
export interface PageTarget {
  incident: string
  /** The lead alert: the page carries its text, its history records the sends. */
  alert: string
  /** The class whose policy is climbed (the incident's). */
  class: AlertClass
  building: string
  /** The escalation's round: one more at each class upgrade. */
  round: number
}

/** One step of an escalation: level index and repeat within the level, both from 0. */
export interface Step {
  level: number
  repeat: number
}

/**
 * `incidentId:contact:channel:level:repeat`. A class upgrade starts the new class's policy over:
 * its steps get `:round`, so they never collide with the earlier round's, except the first page
 * (level 0, send 0), which a person gets once per incident and channel whatever its class.
 */
export function pageKey(t: PageTarget, contact: string, channel: string, step: Step): string {
  const key = `${t.incident}:${contact}:${channel}:${step.level}:${step.repeat}`
  return t.round > 0 && (step.level > 0 || step.repeat > 0) ? `${key}:${t.round}` : key
}

/** The person's n-th update of an incident (from 0). */
export const updateKey = (incidentId: string, contact: string, channel: string, n: number) =>
  `${incidentId}:${contact}:${channel}:update:${n}`

/** One all-clear per contact and channel of an incident; never equal to another job's key. */
export const allClearKey = (incidentId: string, contact: string, channel: string) =>
  `${incidentId}:${contact}:${channel}:all-clear`

/** A digest started by folding the job of `foldedKey`: `digest:contact:channel:id:rest`. */
function digestKeyOf(foldedKey: string): string {
  const [id, contact, channel, ...rest] = foldedKey.split(':')
  return ['digest', contact, channel, id, ...rest].join(':')
}

/** The same job on another channel: every key names its channel third (ids hold no ':'). */
export function keyOnChannel(key: string, channel: ChannelKind): string {
  const parts = key.split(':')
  parts[2] = channel
  return parts.join(':')
}

/**
 * Writes the pages of one step (runs inside the caller's transaction). Each target gets its first
 * working channel (or all of them, `sendOn: all`); a target over its budget gets a folded job and
 * a digest instead. `skip`: contacts who must not get this step (already told, on a class
 * upgrade); `due`: when the pages may go (later than now for a held page, see offline-hold.ts).
 * Returns how many jobs are pending for dispatch.
 */
export function enqueueStep(
  ctx: NotifyContext,
  target: PageTarget,
  level: EscalationLevel,
  step: Step,
  now: number,
  skip: ReadonlySet<string> = new Set(),
  due: number = now,
): number {
  let pending = 0
  for (const r of ctx.directory.recipients(level, target.building)) {
    if (skip.has(r.contact.id)) continue
    const channels = r.channels.filter((ch) => usable(ctx, r.contact, ch))
    const first = channels[0]
    if (first === undefined) {
      noteNotified(ctx, target.alert, `no working channel for ${r.contact.id}`, now)
      ctx.metrics.job(r.channels[0] ?? 'none', 'unreachable')
      continue
    }
    for (const channel of r.sendOn === 'all' ? channels : [first]) {
      const job = pageJob(target, r.contact.id, channel, step, now, due)
      if (placeJob(ctx, job, r.contact)) pending++
      // Over budget, one folded job stands for every channel.
      if (job.state === 'folded') break
    }
  }
  return pending
}

/**
 * Inserts a job, or folds it into the contact's digest when its class is throttled and the contact
 * is over budget (the job's state is set to 'folded' then). True when a pending job was added.
 */
export function placeJob(ctx: NotifyContext, job: NewJob, contact: Contact): boolean {
  if (ctx.directory.throttled(job.class as AlertClass) && overBudget(ctx, contact.id, job.created_at)) {
    job.state = 'folded'
    fold(ctx, job, contact)
    return false
  }
  return ctx.outbox.insert(job) !== undefined
}

/**
 * After a permanent failure: the contact's next working channel of the same job, due at once.
 * Returns the new job, or undefined when no channel is left (noted in the history).
 */
export function enqueueNextChannel(ctx: NotifyContext, job: OutboxJob, now: number): OutboxJob | undefined {
  const contact = ctx.directory.contact(job.contact)
  if (!contact) return undefined
  const taken = (ch: ChannelKind) => ctx.outbox.byKey(keyOnChannel(job.job_key, ch)) !== undefined
  const next = channelOrder(ctx, job, contact).find((ch) => !taken(ch) && usable(ctx, contact, ch))
  if (next === undefined) {
    noteNotified(ctx, job.alert_id, `no channel left for ${contact.id}`, now)
    ctx.metrics.job(job.channel, 'unreachable')
    return undefined
  }
  const added = ctx.outbox.insert({
    job_key: keyOnChannel(job.job_key, next),
    kind: job.kind,
    alert_id: job.alert_id,
    incident_id: job.incident_id,
    class: job.class,
    contact: contact.id,
    channel: next,
    level: job.level,
    repeat: job.repeat,
    urgent: job.urgent,
    state: 'pending',
    created_at: now,
    due_at: now,
    digest_id: null,
  })
  if (added && job.kind === 'digest') ctx.outbox.moveFolded(job.id, added.id)
  return added
}

/** The channels a page's contact has at the page's level (or, for other kinds, its own). */
function channelOrder(ctx: NotifyContext, job: OutboxJob, contact: Contact): ChannelKind[] {
  if (job.kind !== 'alert') return contact.channels
  const alert = ctx.alerts.findRecord(job.alert_id)
  const level = alert && ctx.directory.policyFor(alert.building, job.class as AlertClass)?.levels[job.level]
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
  return ctx.outbox.countRecent(contact, now - windowSec * 1000, classes, now) >= max
}

/** Over budget: the job is kept as `folded` and listed by the contact's next digest. */
function fold(ctx: NotifyContext, job: NewJob, contact: Contact): void {
  const { max, windowSec, classes } = ctx.directory.settings.budget
  const now = job.created_at
  let digest = ctx.outbox.openDigest(contact.id)
  if (!digest) {
    // Due when the oldest counted message leaves the window, i.e. when the budget allows one more.
    const oldest = ctx.outbox.oldestRecent(contact.id, now - windowSec * 1000, classes)
    digest = ctx.outbox.insert({
      ...job,
      job_key: digestKeyOf(job.job_key),
      kind: 'digest',
      // A digest lists several incidents: it belongs to none of them.
      incident_id: null,
      state: 'pending',
      due_at: Math.max(now, (oldest ?? now) + windowSec * 1000),
    })
  }
  ctx.outbox.insert({ ...job, state: 'folded', digest_id: digest?.id ?? null })
  noteNotified(
    ctx,
    job.alert_id,
    `${job.channel} to ${contact.id}: folded into a digest (budget ${max} per ${windowSec} s)`,
    now,
  )
  ctx.metrics.job(job.channel, 'folded')
}

/** A page of a step, pending and due at `due` (now, unless held). */
export function pageJob(
  t: PageTarget,
  contact: string,
  channel: ChannelKind,
  step: Step,
  now: number,
  due: number = now,
): NewJob {
  return {
    job_key: pageKey(t, contact, channel, step),
    kind: 'alert',
    alert_id: t.alert,
    incident_id: t.incident,
    class: t.class,
    contact,
    channel,
    level: step.level,
    repeat: step.repeat,
    // [FIRE-RULE-5] Fire traffic goes first (GB 26875.1 §4.1.2.3: fire alarms pre-empt other traffic).
    urgent: t.class === 'fire' ? 1 : 0,
    state: 'pending',
    created_at: now,
    due_at: due,
    digest_id: null,
  }
}

/** After a failure of `job`: the contact's next channel, unless nobody needs it now. */
export function settleOrMoveOn(ctx: NotifyContext, job: OutboxJob, now: number): boolean {
  if (!stillNeeded(ctx, job)) return false
  return enqueueNextChannel(ctx, job, now) !== undefined
}

/**
 * A page is needed while its incident (or, for rows of older gateways, its alert) is open; an
 * update until its incident is resolved; a digest and an all-clear always.
 */
function stillNeeded(ctx: NotifyContext, job: OutboxJob): boolean {
  if (job.kind === 'digest' || job.kind === 'all_clear') return true
  if (job.incident_id === null) return ctx.alerts.findRecord(job.alert_id)?.state === 'open'
  const state = ctx.incidents.get(job.incident_id)?.state
  return job.kind === 'update' ? state !== undefined && state !== 'resolved' : state === 'open'
}
