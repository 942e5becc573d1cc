import type { Logger } from 'pino'
import type { TransitionObserver } from '../alerting/alarm-path.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import { type CronJobs, startCronJobs } from '../alerting/schedules/cron-jobs.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../ingest/store/history-query.ts'
import { toWall, wallFields } from '../ingest/wall-clock.ts'
import { createRegister, type RegisterPart } from '../register/register-part.ts'
import type { GatewayEnv } from './config.ts'
import type { LiveState } from './live/live-state.ts'
import type { LiveStream } from './live/live-stream.ts'
import type { Notifications } from './notify-wiring.ts'

export interface RegisterWiringDeps {
  site: SiteModel
  store: AlertStore
  readings: ReadingsHistory
  notify: Notifications
  clock: { now(): number }
  log: Logger
  live: LiveState
  liveStream: LiveStream
}

export interface RegisterWiring {
  register: RegisterPart
  /** Alert transitions of a building move its risk grade (computed again, coalesced). */
  observer: TransitionObserver
  /** Grades every building and starts the register's node-cron jobs once HTTP listens. */
  start(httpPort: number): void
  stop(): Promise<void>
}

/** The hazard register (register/), wired to the gateway's alert file, readings, channels and wall. */
export function createRegisterWiring(env: GatewayEnv, deps: RegisterWiringDeps): RegisterWiring {
  const { site, clock } = deps
  const log = deps.log.child({ module: 'register' })
  let httpPort = env.HTTP_PORT
  const register = createRegister({
    site,
    dataDir: env.DATA_DIR,
    alertsDb: deps.store.db,
    readings: deps.readings,
    channels: deps.notify.channels,
    push: deps.notify.notifier.pushSubscriptions,
    clock,
    log,
    publicUrl: () => env.PUBLIC_URL ?? `http://localhost:${httpPort}`,
    env,
    synchronous: env.ALERT_DB_SYNC,
    gradeChanged: (building) => deps.liveStream.buildingChanged(building),
    panelsHeard: env.UITD_ENABLED !== 'off',
  })
  deps.live.riskOf = (building) => {
    const g = register.grades.current(building)
    return g && { grade: g.grade, score: g.score, at: g.at }
  }
  let cron: CronJobs | null = null
  let first: Promise<void> = Promise.resolve()
  return {
    register,
    observer: { afterTransition: (t) => register.alertChanged(t.alert.building) },
    start(port) {
      httpPort = port
      warnAboutCalendar(register, site, clock.now(), log)
      if (register.printer.browser === null)
        log.info('REPORT_PDF_BROWSER: no browser, reports are not printed to PDF')
      first = register.start().catch((err: unknown) => log.error({ err }, 'risk grades at start-up failed'))
      cron = startCronJobs(register.jobs, {
        clock,
        log: log.child({ module: 'cron' }),
        timezone: site.timezone,
      })
    },
    async stop() {
      await cron?.stop()
      await first
      await register.settled()
      register.close()
    },
  }
}

/** The State Council announces each year in the autumn before; a missing year is said at start-up. */
function warnAboutCalendar(register: RegisterPart, site: SiteModel, now: number, log: Logger): void {
  if (site.file.holidays.builtIn === 'none' && site.file.holidays.years.length === 0) return
  const year = wallFields(toWall(now, site.timezone)).year
  const missing = [year, year + 1].filter((y) => !register.calendar.hasYear(y))
  if (missing.length > 0)
    log.warn(
      { missing },
      `holiday calendar: no statutory holidays for ${missing.join(', ')}; add them to the site file (holidays.years) once announced`,
    )
}
