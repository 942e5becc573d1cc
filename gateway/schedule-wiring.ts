import type { Logger } from 'pino'
import type { AlertLifecycle } from '../alerting/alert-lifecycle.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import { isoTime, isoTimeOrNull } from '../alerting/clock-iso.ts'
import type { Engine } from '../alerting/engine.ts'
import { type CronJobs, startCronJobs } from '../alerting/schedules/cron-jobs.ts'
import type { PatrolCheckRow } from '../alerting/schedules/patrol-store.ts'
import { renderReportHtml } from '../alerting/schedules/report-html.ts'
import {
  createScheduledWork,
  type ScheduledWork,
  type ScheduledWorkOptions,
} from '../alerting/schedules/scheduled-work.ts'
import type { ActiveWatch } from '../alerting/schedules/watch-periods.ts'
import { wallDate } from '../alerting/schedules/zone-clock.ts'
import type { IngestSink } from '../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import { toWall } from '../ingest/wall-clock.ts'
import type { GatewayEnv } from './config.ts'
import type { PatrolLinkService } from './http/patrol-link-routes.ts'
import type { PatrolCheckView, ScheduleService } from './http/schedule-routes.ts'
import type { BuildingWatch, LiveState } from './live-state.ts'
import type { LiveStream } from './live-stream.ts'
import type { Notifications } from './notify-wiring.ts'

export interface ScheduleWiringDeps {
  site: SiteModel
  store: AlertStore
  clock: { now(): number }
  log: Logger
  engine: Engine
  lifecycle: AlertLifecycle
  notify: Notifications
  live: LiveState
  liveStream: LiveStream
  /** Sections the hazard register adds to each building report (gateway/register-wiring.ts). */
  reportAddendum?: ScheduledWorkOptions['reportAddendum']
}

export interface Schedules {
  work: ScheduledWork
  /** Records device `test` events for the reports. */
  sink: IngestSink
  http: { schedules: ScheduleService; patrolLinks: PatrolLinkService }
  /** Escalation pace of a building while a heightened watch is on (notify-wiring.ts). */
  pace(building: string): number
  /** Starts node-cron (after the first watch run) once HTTP listens (links name its port). */
  start(httpPort: number): void
  stop(): Promise<void>
}

/** The scheduled work (alerting/schedules, README "Scheduled work"), wired to the gateway's parts. */
export function createSchedules(env: GatewayEnv, deps: ScheduleWiringDeps): Schedules {
  const { site, clock } = deps
  let httpPort = env.HTTP_PORT
  const publicUrl = () => env.PUBLIC_URL ?? `http://localhost:${httpPort}`
  const work = createScheduledWork({
    site,
    alerts: deps.store,
    raise: (signal) => deps.lifecycle.apply(signal),
    retune: (tighten) => deps.engine.retune(tighten),
    channels: deps.notify.channels,
    push: deps.notify.notifier.pushSubscriptions,
    clock,
    log: deps.log.child({ module: 'schedules' }),
    dataDir: env.DATA_DIR,
    publicUrl,
    watchChanged: () => showWatches(deps),
    ...(deps.reportAddendum ? { reportAddendum: deps.reportAddendum } : {}),
  })
  deps.live.watchOf = (building) => watchView(work.watch.tuning().watchesOf(building))
  let cron: CronJobs | null = null
  let firstPatrol: Promise<void> = Promise.resolve()
  return {
    work,
    sink: { eventAccepted: (e) => work.recordEvent(e) },
    http: {
      schedules: scheduleService(work, site, clock),
      patrolLinks: patrolLinkService(work, clock),
    },
    pace: (building) => work.watch.tuning().escalationFactor(building),
    start(port) {
      httpPort = port
      // The watches on at start-up apply at once, and a patrol check that is due goes out now,
      // not at the first minute boundary.
      work.watch.run(clock.now())
      firstPatrol = work.patrols
        .run(clock.now())
        .catch((err) => deps.log.error({ err }, 'patrol check at start-up failed'))
      cron = startCronJobs(work.jobs, {
        clock,
        log: deps.log.child({ module: 'cron' }),
        timezone: site.timezone,
      })
    },
    async stop() {
      await cron?.stop()
      await firstPatrol
    },
  }
}

/**
 * A watch began or ended: the wall gets fresh building summaries (with their watch badge). Every
 * building is refreshed, since the watch that ended is not passed along and watches change only a
 * few times a day.
 */
function showWatches(deps: ScheduleWiringDeps): void {
  for (const b of deps.site.buildings) deps.liveStream.buildingChanged(b.id)
}

function watchView(watches: readonly ActiveWatch[]): BuildingWatch | null {
  if (watches.length === 0) return null
  return {
    ids: watches.map((w) => w.id),
    names: watches.map((w) => w.name),
    since: isoTime(Math.min(...watches.map((w) => w.since))),
    until: isoTime(Math.max(...watches.map((w) => w.until))),
  }
}

function checkView(row: PatrolCheckRow): PatrolCheckView {
  const status =
    row.confirmed_at !== null
      ? row.missed_at !== null
        ? 'late'
        : 'confirmed'
      : row.missed_at !== null
        ? 'missed'
        : 'pending'
  return {
    id: row.id,
    patrol: row.patrol,
    building: row.building,
    sentAt: isoTime(row.sent_at),
    dueBy: isoTime(row.due_by),
    status,
    confirmedAt: isoTimeOrNull(row.confirmed_at),
    confirmedBy: row.confirmed_by,
    alertId: row.alert_id,
  }
}

const CHECK_WINDOW_MS = 31 * 86_400_000

function scheduleService(work: ScheduledWork, site: SiteModel, clock: { now(): number }): ScheduleService {
  const contactOfToken = (tokenName: string) =>
    site.file.contacts.find((c) => c.apiTokens.includes(tokenName))
  return {
    report(kind, building, label) {
      const now = clock.now()
      const today = wallDate(toWall(now, site.timezone))
      return work.reports.build(kind, building, label ?? (kind === 'daily' ? today : today.slice(0, 7)), now)
    },
    reportHtml: renderReportHtml,
    overdue: (buildings) =>
      work.overdue.store.active(buildings).map((r) => ({
        alertId: r.id,
        building: r.building,
        device: r.device,
        floor: r.floor,
        zone: r.zone,
        class: r.class,
        state: r.state,
        message: r.message,
        openedAt: isoTime(r.opened_at),
        deadlineAt: isoTime(r.deadline_at),
        flaggedAt: isoTime(r.flagged_at),
        notifiedAt: isoTimeOrNull(r.notified_at),
      })),
    patrolChecks: (buildings, limit) =>
      work.patrolStore.list(buildings, clock.now() - CHECK_WINDOW_MS, limit).map(checkView),
    checkBuilding: (id) => work.patrolStore.get(id)?.building,
    confirmByToken(id, tokenName) {
      const contact = contactOfToken(tokenName)
      if (!contact) return { status: 'not-on-duty' }
      const result = work.patrols.confirm(id, contact.id, clock.now())
      return 'check' in result ? { status: result.status, check: checkView(result.check) } : result
    },
  }
}

/** The one-tap patrol links; `contact` is the contact's id (the page names them in their language). */
function patrolLinkService(work: ScheduledWork, clock: { now(): number }): PatrolLinkService {
  return {
    inspect(token) {
      const v = work.patrolLinks.verify(token)
      if ('invalid' in v) return { status: v.invalid }
      const row = work.patrolStore.get(v.checkId)
      if (!row) return { status: 'invalid' }
      return { status: 'valid', check: checkView(row), contact: v.contact }
    },
    use(token) {
      const v = work.patrolLinks.verify(token)
      if ('invalid' in v) return { status: v.invalid }
      const result = work.patrols.confirm(v.checkId, v.contact, clock.now())
      if (!('check' in result)) return { status: 'invalid' }
      return { status: result.status, check: checkView(result.check), contact: v.contact }
    },
  }
}
