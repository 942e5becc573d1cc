import type { AckLinks } from './ack-links.ts'
import type { Channel, ChannelKind, NotificationMessage, SendResult } from './channel.ts'
import { prepareJob, type Target } from './dispatch-prepare.ts'
import { type Delivery, recordDelivery, recordUnavailable } from './dispatch-record.ts'
import type { NotifyContext } from './notify-context.ts'
import type { OutboxJob } from './outbox-store.ts'

export interface DispatcherOptions {
  ctx: NotifyContext
  channels: ReadonlyMap<ChannelKind, Channel>
  links: AckLinks
  /** For the jitter of retries; tests pass a fixed one. */
  random?: () => number
  /** A send that takes longer counts as a retry (the provider may still deliver: at most twice). */
  sendTimeoutMs?: number
  /** Sends in flight at most: twice this. */
  batch?: number
}

export interface Dispatcher {
  /** Sends every due job (and those that become due meanwhile); resolves when idle. Jobs attempted. */
  runOnce(): Promise<number>
  /** Runs soon; a transition that queued jobs calls it, so a fire goes out in the first pass. */
  kick(): void
  start(intervalMs: number): void
  /** Stops the loop and waits for the sends in flight. */
  stop(): Promise<void>
}

const STOP_GRACE_MS = 5_000

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  return new DispatchPump(options)
}

/**
 * Up to `2 x batch` sends in flight, each on its own: a job is claimed as soon as a slot frees,
 * so one slow provider never holds back the fire notifications queued behind it.
 */
class DispatchPump implements Dispatcher {
  private readonly sendTimeoutMs: number
  private readonly maxInFlight: number
  private readonly random: () => number
  private inFlight = 0
  private attempted = 0
  private idle: ((attempted: number) => void)[] = []
  private stopped = false
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly options: DispatcherOptions) {
    this.sendTimeoutMs = options.sendTimeoutMs ?? 15_000
    this.maxInFlight = 2 * (options.batch ?? 16)
    this.random = options.random ?? Math.random
  }

  runOnce(): Promise<number> {
    const done = new Promise<number>((resolve) => this.idle.push(resolve))
    this.pump()
    return done
  }

  kick(): void {
    if (!this.stopped) setImmediate(this.pumpLogged)
  }

  start(intervalMs: number): void {
    this.timer ??= setInterval(this.pumpLogged, intervalMs)
  }

  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearInterval(this.timer)
    // Bounded: a send still in flight after this keeps its job pending; the next start sends it
    // again (at most twice), which beats a shutdown that hangs.
    let wait: NodeJS.Timeout | undefined
    const grace = new Promise<void>((res) => {
      wait = setTimeout(res, STOP_GRACE_MS)
    })
    const idle = this.inFlight === 0 ? Promise.resolve() : new Promise<void>((r) => this.idle.push(() => r()))
    await Promise.race([idle, grace])
    clearTimeout(wait)
  }

  private readonly pumpLogged = (): void => {
    try {
      this.pump()
    } catch (err) {
      this.options.ctx.log.error({ err }, 'notification dispatch failed')
    }
  }

  /** Claims due jobs into the free slots; called again whenever a send ends. */
  private pump(): void {
    const { ctx } = this.options
    while (!this.stopped && this.inFlight < this.maxInFlight) {
      const now = ctx.clock.now()
      // The lease outlives the send timeout, so a job is never claimed twice while in flight.
      const jobs = ctx.outbox.claimDue(
        now,
        now + this.sendTimeoutMs + 15_000,
        this.maxInFlight - this.inFlight,
      )
      if (jobs.length === 0) break
      for (const job of jobs) this.send(job)
    }
    if (this.inFlight === 0) this.settle()
  }

  private send(job: OutboxJob): void {
    this.inFlight++
    this.attempted++
    attemptJob(this.options, job, this.sendTimeoutMs, this.random)
      .catch((err) => {
        // The job stays leased and is tried again when its lease ends.
        this.options.ctx.log.error({ err, job: job.job_key }, 'notification job failed unexpectedly')
        return false
      })
      .finally(() => {
        this.inFlight--
        this.pumpLogged()
      })
  }

  private settle(): void {
    const waiting = this.idle
    this.idle = []
    const attempted = this.attempted
    this.attempted = 0
    for (const resolve of waiting) resolve(attempted)
  }
}

/** Sends one claimed job and records what happened; true when another job became due at once. */
async function attemptJob(
  options: DispatcherOptions,
  job: OutboxJob,
  sendTimeoutMs: number,
  random: () => number,
): Promise<boolean> {
  const { ctx } = options
  const tx = <R>(fn: () => R): R => ctx.alerts.transaction(fn)()
  const prepared = tx(() => prepareJob(ctx, options.links, job))
  const channel = options.channels.get(job.channel)
  if (prepared.action === 'cancel') {
    tx(() => ctx.outbox.cancel(job.id, ctx.clock.now()))
    ctx.metrics.job(job.channel, 'cancelled')
    return false
  }
  if (prepared.action === 'delivered') {
    tx(() => ctx.outbox.markSent(job.id, 'earlier attempt', ctx.clock.now()))
    return false
  }
  if (prepared.action === 'fail') {
    tx(() => ctx.outbox.markFailed(job.id, prepared.reason, ctx.clock.now()))
    return false
  }
  if (prepared.action === 'next-channel' || !channel) {
    const reason =
      prepared.action === 'next-channel' ? prepared.reason : `no ${job.channel} channel configured`
    return tx(() => recordUnavailable(ctx, job, reason))
  }
  observeFirstRequest(ctx, job, job.class)
  const delivery = await deliver(channel, prepared.targets, prepared.message, job, sendTimeoutMs, ctx)
  logAttempt(ctx, job, delivery.result)
  return tx(() => recordDelivery(ctx, job, prepared.contact, delivery, random))
}

/** The notifier is a boundary (docs/architecture.md, "Errors stop at boundaries"): logged once, here. */
function logAttempt(ctx: NotifyContext, job: OutboxJob, result: SendResult): void {
  const fields = { job: job.job_key, attempt: job.attempts, outcome: result.outcome }
  if (result.outcome === 'sent')
    ctx.log.info({ ...fields, providerId: result.providerId }, 'notification sent')
  else if (result.outcome === 'retry')
    ctx.log.warn({ ...fields, reason: result.reason }, 'notification to retry')
  else ctx.log.error({ ...fields, reason: result.reason }, 'notification failed for good')
}

/** The first provider request of an incident's pages (of an alert's, for jobs of older gateways). */
function observeFirstRequest(ctx: NotifyContext, job: OutboxJob, cls: string): void {
  if (job.kind !== 'alert') return
  const now = ctx.clock.now()
  const started =
    job.incident_id === null
      ? ctx.escalations.firstRequest(job.alert_id, now)
      : ctx.incidentEscalations.firstRequest(job.incident_id, now)
  if (started !== null) ctx.metrics.firstRequest(cls, Math.max(0, now - started) / 1000)
}

async function deliver(
  channel: Channel,
  targets: Target[],
  message: NotificationMessage,
  job: OutboxJob,
  timeoutMs: number,
  ctx: NotifyContext,
): Promise<Delivery> {
  const results = await Promise.all(targets.map((t) => sendGuarded(channel, t, message, timeoutMs, ctx)))
  if (job.channel !== 'push') {
    const result = results[0]!
    return result.outcome === 'permanent' ? { result, address: targets[0]!.to.address } : { result }
  }
  return pushDelivery(targets, results, job)
}

/** Push: sent when at least one subscription has it and none asks for a retry. */
function pushDelivery(targets: Target[], results: SendResult[], job: OutboxJob): Delivery {
  const earlier: number[] = job.delivered_to ? JSON.parse(job.delivered_to) : []
  const delivered = [...earlier]
  const refused: NonNullable<Delivery['refused']> = []
  const ids: string[] = []
  let retry: SendResult | undefined
  results.forEach((r, i) => {
    const id = targets[i]!.subscription!
    if (r.outcome === 'sent') {
      delivered.push(id)
      ids.push(r.providerId)
    } else if (r.outcome === 'permanent') refused.push({ id, reason: r.reason, gone: r.gone === true })
    else if (!retry || (r.retryAfterMs ?? 0) > (retry.outcome === 'retry' ? (retry.retryAfterMs ?? 0) : 0))
      retry = r
  })
  let result: SendResult
  if (retry) result = retry
  else if (delivered.length > 0) result = { outcome: 'sent', providerId: ids.join(' ') || 'earlier attempt' }
  else result = { outcome: 'permanent', reason: refused.map((r) => r.reason).join('; ') || 'no subscription' }
  return { result, delivered, refused }
}

/** A channel never throws by contract; if one does, or hangs, the job is retried. */
async function sendGuarded(
  channel: Channel,
  target: Target,
  message: NotificationMessage,
  timeoutMs: number,
  ctx: NotifyContext,
): Promise<SendResult> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<SendResult>((res) => {
    timer = setTimeout(() => res({ outcome: 'retry', reason: `no answer in ${timeoutMs} ms` }), timeoutMs)
  })
  try {
    return await Promise.race([channel.send(target.to, message), timeout])
  } catch (err) {
    ctx.log.warn({ err, code: 'FGW_ERR_NOTIFY_SEND', channel: channel.kind }, 'notification channel threw')
    return { outcome: 'retry', reason: (err as Error).message || 'channel error' }
  } finally {
    clearTimeout(timer)
  }
}
