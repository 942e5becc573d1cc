import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { NotifyMetrics } from '../alerting/notify/notify-context.ts'

/** The notification instruments, and the NotifyMetrics the outbox counts with. */
export function createNotifyMetrics(registry: Registry) {
  let pending: () => number = () => 0
  const jobs = new Counter({
    name: 'firewatch_notify_jobs_total',
    help: 'Notification job attempts and settlements, by channel and outcome (sent, retry, permanent, unavailable, folded, cancelled, unreachable, expired; delivered and undelivered from provider delivery reports)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  })
  const held = new Counter({
    name: 'firewatch_notify_held_reports_total',
    help: 'Provider delivery reports that came before the send recorded their message id, by channel and outcome (held on arrival; then applied, expired or dropped)',
    labelNames: ['channel', 'outcome'],
    registers: [registry],
  })
  const firstRequest = byClass(
    registry,
    'firewatch_notify_first_request_seconds',
    'From receipt of the reading behind an alert to the first provider request for it, by class',
    [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
  )
  const toAck = byClass(
    registry,
    'firewatch_notify_time_to_ack_seconds',
    'From receipt of the reading behind an alert to its acknowledgement, by class',
    [5, 15, 30, 60, 120, 300, 600, 1800, 3600, 14_400],
  )
  new Gauge({
    name: 'firewatch_notify_jobs_pending',
    help: 'Notification jobs waiting to be sent (due or backing off)',
    registers: [registry],
    collect() {
      this.set(pending())
    },
  })
  return {
    notify: {
      job: (channel, outcome, count = 1) => jobs.labels(channel, outcome).inc(count),
      firstRequest: (cls, seconds) => firstRequest.labels(cls).observe(seconds),
      acknowledged: (cls, seconds) => toAck.labels(cls).observe(seconds),
      heldReport: (channel, outcome, count = 1) => held.labels(channel, outcome).inc(count),
    } satisfies NotifyMetrics as NotifyMetrics,
    /** Where the pending gauge reads from at scrape time (the outbox). */
    countPendingFrom(source: () => number): void {
      pending = source
    },
  }
}

function byClass(registry: Registry, name: string, help: string, buckets: number[]) {
  return new Histogram({ name, help, labelNames: ['class'], buckets, registers: [registry] })
}
