import type { ChannelKind } from './channel.ts'
import { settleOrMoveOn } from './dispatch-record.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
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

/** `unknown`: no job has this provider id (not ours, or not recorded yet). */
export type ReportOutcome = 'recorded' | 'ignored' | 'unknown' | 'moved-on'

export interface DeliveryReports {
  record(report: DeliveryReport): ReportOutcome
}

const FINAL = new Set(['delivered', 'undelivered', 'failed'])

/**
 * Records provider reports on sent jobs. An undelivered message counts as a failed send: the job
 * is marked failed, a permanent reason marks the contact's channel bad, and the contact's next
 * channel of the same step is queued at once (`kick` starts the dispatcher).
 */
export function createDeliveryReports(ctx: NotifyContext, kick: () => void): DeliveryReports {
  const recordOne = ctx.alerts.transaction((report: DeliveryReport): ReportOutcome => {
    const job = ctx.outbox.byProviderId(report.channel, report.providerId)
    if (!job) return 'unknown'
    // Callbacks may arrive late, twice, or out of order: a final status is never overwritten.
    if (job.provider_status !== null && FINAL.has(job.provider_status)) return 'ignored'
    const now = ctx.clock.now()
    ctx.outbox.setProviderStatus(job.id, report.status, now)
    if (report.outcome === 'progress') return 'recorded'
    if (report.outcome === 'delivered') {
      noteNotified(ctx, job.alert_id, `${describe(job)}: delivered (provider report)`, now)
      ctx.metrics.job(job.channel, 'delivered')
      return 'recorded'
    }
    return undelivered(ctx, job, report, now) ? 'moved-on' : 'recorded'
  })
  return {
    record(report) {
      const outcome = recordOne(report)
      if (outcome === 'moved-on') kick()
      return outcome
    },
  }
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
