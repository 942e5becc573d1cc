import type { ChannelKind } from './channel.ts'
import type { HeldReport } from './held-reports.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import { settleOrMoveOn } from './outbox-enqueue.ts'
import type { OutboxJob } from './outbox-store.ts'

/** What a provider reported later about a message it had accepted (e.g. a Twilio status callback). */
export interface DeliveryReport {
  channel: ChannelKind
  providerId: string
  /** The provider's own word: queued, sent, delivered, undelivered, failed... */
  status: string
  /** `progress`: still on its way; `delivered`; `undelivered`: it will not arrive. */
  outcome: 'progress' | 'delivered' | 'undelivered'
  /** Undelivered because the address can never receive messages (marks that channel bad). */
  permanent: boolean
  /** Why it was not delivered, in words (provider error code and meaning). */
  reason: string | null
}

/**
 * `held`: no job has this provider id yet. The provider's callback may overtake the answer to the
 * send that records the id, so the report waits for it (HELD_REPORT_TTL_MS at most).
 */
export type ReportOutcome = 'recorded' | 'ignored' | 'held' | 'moved-on'

export interface DeliveryReports {
  record(report: DeliveryReport): ReportOutcome
  /** Drops the held reports whose message id never appeared (counted and logged); how many. */
  expire(now: number): number
}

/** How long a report waits for its message id: a send answers in seconds, or times out in 15. */
export const HELD_REPORT_TTL_MS = 5 * 60_000
/** Reports held at most; beyond it the oldest go first (ids that never appear pile up there). */
export const MAX_HELD_REPORTS = 1000

const FINAL = new Set(['delivered', 'undelivered', 'failed'])

/**
 * Records provider reports on sent jobs. An undelivered message counts as a failed send: the job
 * is marked failed, a permanent reason marks the contact's channel bad, and the contact's next
 * channel of the same step is queued at once (`kick` starts the dispatcher). A report for an id
 * not recorded yet is held (durably, beside the jobs) and applied when the send records the id.
 */
export function createDeliveryReports(ctx: NotifyContext, kick: () => void): DeliveryReports {
  const recordOne = ctx.alerts.transaction((report: DeliveryReport): ReportOutcome => {
    const job = ctx.outbox.byProviderId(report.channel, report.providerId)
    const now = ctx.clock.now()
    if (job) return applyReport(ctx, job, report, now)
    hold(ctx, report, now)
    return 'held'
  })
  const expireOld = ctx.alerts.transaction((now: number) => ctx.held.takeOlderThan(now - HELD_REPORT_TTL_MS))
  return {
    record(report) {
      const outcome = recordOne(report)
      if (outcome === 'moved-on') kick()
      return outcome
    },
    expire(now) {
      const expired = expireOld(now)
      if (expired.length > 0) lost(ctx, expired, 'expired')
      return expired.length
    },
  }
}

/**
 * Applies the reports held for a message id the send has just recorded (inside the transaction
 * that recorded it). True when one of them queued the contact's next channel.
 */
export function applyHeldReports(
  ctx: NotifyContext,
  job: OutboxJob,
  providerId: string,
  now: number,
): boolean {
  let movedOn = false
  for (const held of ctx.held.take(job.channel, providerId)) {
    const current = ctx.outbox.get(job.id)
    if (!current) break
    const outcome = applyReport(ctx, current, held.report, now)
    if (outcome === 'moved-on') movedOn = true
    if (outcome !== 'ignored') ctx.metrics.heldReport(job.channel, 'applied')
  }
  return movedOn
}

function hold(ctx: NotifyContext, report: DeliveryReport, now: number): void {
  ctx.held.add(report, now)
  ctx.metrics.heldReport(report.channel, 'held')
  if (ctx.held.count() <= MAX_HELD_REPORTS) return
  const dropped = ctx.held.takeBeyond(MAX_HELD_REPORTS)
  if (dropped.length > 0) lost(ctx, dropped, 'dropped')
}

/** Reports whose message never turned up: counted (one call per channel), and logged once per batch. */
function lost(ctx: NotifyContext, reports: HeldReport[], why: 'expired' | 'dropped'): void {
  const perChannel = new Map<ChannelKind, number>()
  for (const { report } of reports) perChannel.set(report.channel, (perChannel.get(report.channel) ?? 0) + 1)
  for (const [channel, n] of perChannel) ctx.metrics.heldReport(channel, why, n)
  const sample = reports
    .slice(0, 10)
    .map(({ report }) => ({ providerId: report.providerId, status: report.status }))
  ctx.log.warn(
    { count: reports.length, reports: sample, why },
    'delivery reports for messages no job sent were dropped',
  )
}

function applyReport(ctx: NotifyContext, job: OutboxJob, report: DeliveryReport, now: number): ReportOutcome {
  // Callbacks may arrive late, twice, or out of order: a final status is never overwritten.
  if (job.provider_status !== null && FINAL.has(job.provider_status)) return 'ignored'
  ctx.outbox.setProviderStatus(job.id, report.status, now)
  if (report.outcome === 'progress') return 'recorded'
  if (report.outcome === 'delivered') {
    noteNotified(ctx, job.alert_id, `${describe(job)}: delivered (provider report)`, now)
    ctx.metrics.job(job.channel, 'delivered')
    return 'recorded'
  }
  return undelivered(ctx, job, report, now) ? 'moved-on' : 'recorded'
}

function undelivered(ctx: NotifyContext, job: OutboxJob, report: DeliveryReport, now: number): boolean {
  const reason = report.reason ?? report.status
  ctx.outbox.markFailed(job.id, `${report.status}: ${reason}`, now)
  const contact = ctx.directory.contact(job.contact)
  const address = contact && ctx.directory.address(contact, job.channel)
  if (report.permanent && address) {
    ctx.escalations.markBad(job.contact, job.channel, address.address, reason, now)
  }
  const bad = report.permanent ? ', channel marked bad' : ''
  noteNotified(ctx, job.alert_id, `${describe(job)}: ${report.status} (${reason})${bad}`, now)
  ctx.metrics.job(job.channel, 'undelivered')
  return settleOrMoveOn(ctx, job, now)
}

function describe(job: OutboxJob): string {
  const kind = job.kind === 'alert' ? '' : `${job.kind.replace('_', '-')} `
  return `${kind}${job.channel} to ${job.contact} (level ${job.level + 1}, send ${job.repeat + 1})`
}
