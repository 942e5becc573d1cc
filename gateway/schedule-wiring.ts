import type { Logger } from 'pino'
import type { AlertLifecycle } from '../alerting/alert-lifecycle.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import { isoTime } from '../alerting/clock-iso.ts'
import type { Engine } from '../alerting/engine.ts'
import { type CronJobs, startCronJobs } from '../alerting/schedules/cron-jobs.ts'
import {
  type PatrolLinkService,
  patrolLinkService,
  type ScheduleService,
  scheduleService,
} from '../alerting/schedules/schedule-services.ts'
import {
  createScheduledWork,
  type ScheduledWork,
  type ScheduledWorkOptions,
} from '../alerting/schedules/scheduled-work.ts'
import type { ActiveWatch } from '../alerting/schedules/watch-periods.ts'
import type { IngestSink } from '../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { GatewayEnv } from './config.ts'
import type { BuildingWatch, LiveState } from './live/live-state.ts'
import type { LiveStream } from './live/live-stream.ts'
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
  const work = scheduledWork(env, deps, () => env.PUBLIC_URL ?? `http://localhost:${httpPort}`)
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

/** The scheduled work on the gateway's store, alarm path, channels and wall. */
function scheduledWork(env: GatewayEnv, deps: ScheduleWiringDeps, publicUrl: () => string): ScheduledWork {
  return createScheduledWork({
    site: deps.site,
    alerts: deps.store,
    raise: (signal) => deps.lifecycle.apply(signal),
    retune: (tighten) => deps.engine.retune(tighten),
    channels: deps.notify.channels,
    push: deps.notify.notifier.pushSubscriptions,
    clock: deps.clock,
    log: deps.log.child({ module: 'schedules' }),
    dataDir: env.DATA_DIR,
    publicUrl,
    watchChanged: () => showWatches(deps),
    ...(deps.reportAddendum ? { reportAddendum: deps.reportAddendum } : {}),
  })
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
