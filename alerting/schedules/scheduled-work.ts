import type { SiteModel } from '../../ingest/index.ts'
import type { AlertSignal, AlertTransition } from '../alert.ts'
import type { AlertStore } from '../alert-store.ts'
import type { Clock, Logger } from '../deps.ts'
import { loadOrCreateAckKey } from '../notify/ack-token.ts'
import type { Channel, ChannelKind } from '../notify/channel.ts'
import type { PushSubscriptions } from '../notify/push-subscriptions.ts'
import type { Tighten } from '../rules/device-rules.ts'
import { type BuildingReport, buildingReport, type ReportSources } from './building-report.ts'
import type { CronJob } from './cron-jobs.ts'
import { createTestRecorder } from './device-tests.ts'
import { createNoticeLog, createNoticeSender, createOnceSender } from './notice-sender.ts'
import { createOverdueJob } from './overdue-job.ts'
import { OverdueStore } from './overdue-store.ts'
import { createPatrolChecks, type PatrolChecks } from './patrol-checks.ts'
import { createPatrolLinks, type PatrolLinks } from './patrol-links.ts'
import { PatrolStore } from './patrol-store.ts'
import { createReportDelivery, type ReportDelivery } from './report-delivery.ts'
import { periodOf, type ReportKind } from './report-period.ts'
import { ReportQueries } from './report-queries.ts'
import { createScheduleTables } from './schedule-tables.ts'
import { createWatchJob, type WatchJob } from './watch-job.ts'
import type { ActiveWatch } from './watch-periods.ts'

export interface ScheduledWorkOptions {
  site: SiteModel
  /** The alert store: the schedule tables live in its SQLite file. */
  alerts: AlertStore
  /** The alert lifecycle's apply (a missed patrol check raises through it, outbox and all). */
  raise(signal: AlertSignal): AlertTransition | null
  /** The rule engine's retune. */
  retune(tighten: Tighten): void
  channels: ReadonlyMap<ChannelKind, Channel>
  /** The notifier's push subscriptions, so that push contacts get checks and notices too. */
  push?: PushSubscriptions
  clock: Clock
  log: Logger
  /** Where the link key is (the acknowledgement links' key is reused). */
  dataDir: string
  publicUrl: () => string
  watchChanged?(active: readonly ActiveWatch[]): void
  /** Sections another part adds to each building report (the hazard register's, in short). */
  reportAddendum?: ReportSources['addendum']
}

export interface ScheduledWork {
  watch: WatchJob
  patrols: PatrolChecks
  patrolLinks: PatrolLinks
  patrolStore: PatrolStore
  overdue: { run(now: number): Promise<void>; store: OverdueStore }
  reports: {
    build(kind: ReportKind, building: string, label: string, now: number): BuildingReport
    delivery: ReportDelivery
  }
  /** Device events, for the reports' tests done (an ingest sink calls it). */
  recordEvent: ReturnType<typeof createTestRecorder>
  /** What node-cron runs (cron-jobs.ts); tests call the same functions with virtual time. */
  jobs: CronJob[]
}

/** Heightened watch, patrol checks, overdue items and reports on the alert database (README). */
export function createScheduledWork(options: ScheduledWorkOptions): ScheduledWork {
  const { site, alerts, log } = options
  const db = alerts.db
  createScheduleTables(db)
  const send = createNoticeSender({
    channels: options.channels,
    push: options.push ?? null,
    log,
    siteLocale: site.locale,
  })
  const noticeLog = createNoticeLog(db, options.clock)
  const sendOnce = createOnceSender(noticeLog, send)
  const watch = createWatchJob({ site, retune: options.retune, changed: options.watchChanged, log })
  const patrolStore = new PatrolStore(db)
  const patrolLinks = createPatrolLinks(loadOrCreateAckKey(options.dataDir), options.clock, options.publicUrl)
  const patrols = createPatrolChecks({
    site,
    store: patrolStore,
    links: patrolLinks,
    send,
    raise: options.raise,
    log,
  })
  const overdueStore = new OverdueStore(db)
  const overdue = createOverdueJob({ site, alerts, store: overdueStore, send: sendOnce, log })
  const sources: ReportSources = {
    site,
    queries: new ReportQueries(db),
    patrols: patrolStore,
    ...(options.reportAddendum ? { addendum: options.reportAddendum } : {}),
  }
  const delivery = createReportDelivery({
    site,
    build: (building, period, now) => buildingReport(sources, building, period, now),
    send: sendOnce,
    noticeLog,
    publicUrl: options.publicUrl,
    log,
  })
  const { reports } = site.file.schedules
  const jobs: CronJob[] = [
    { name: 'watch', cron: '* * * * *', run: (now) => watch.run(now) },
    ...(site.file.schedules.patrols.length > 0
      ? [{ name: 'patrol', cron: '* * * * *', run: patrols.run }]
      : []),
    { name: 'overdue', cron: '*/5 * * * *', run: overdue },
    { name: 'report-daily', cron: reports.daily, run: delivery.daily },
    { name: 'report-monthly', cron: reports.monthly, run: delivery.monthly },
  ]
  return {
    watch,
    patrols,
    patrolLinks,
    patrolStore,
    overdue: { run: overdue, store: overdueStore },
    reports: {
      build: (kind, building, label, now) =>
        buildingReport(sources, building, periodOf(kind, label, site.timezone), now),
      delivery,
    },
    recordEvent: createTestRecorder(db),
    jobs,
  }
}
