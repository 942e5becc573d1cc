import { type ScheduledTask, schedule, type TaskContext } from 'node-cron'
import { CronCursor, cronOf } from '../../ingest/index.ts'
import type { Clock, Logger } from '../deps.ts'

const MINUTE_MS = 60_000

/** A job is a plain function of the time it runs at; its cron expression says in which minutes. */
export interface CronJob {
  name: string
  /** Five-field expression in `timezone`, read by the site's cron reader (ingest/site/cron-expression.ts). */
  cron: string
  run(now: number): unknown
}

export interface CronJobs {
  /** Stops the schedules and waits for the runs in flight. */
  stop(): Promise<void>
}

export interface CronJobsDeps {
  clock: Clock
  log: Logger
  timezone: string
  /**
   * How often node-cron wakes the adapter (node-cron syntax). Default: every minute, the unit of
   * the expressions; a job still runs at most once in a minute its expression matches, so tests
   * may wake it every second without changing what runs.
   */
  heartbeat?: string
}

/**
 * The node-cron adapter and the error boundary of scheduled work (docs/architecture.md, "Errors stop
 * at boundaries"). node-cron only
 * says when to look; which jobs are due in that local minute is decided by the same cron reader as
 * the watches and the test windows, so an expression means the same thing everywhere. Each job is
 * called with clock.now(), never twice at once, and a failure is logged once and waits for the
 * next run.
 */
export function startCronJobs(jobs: readonly CronJob[], deps: CronJobsDeps): CronJobs {
  // Runs in flight, so that stop() lets them finish before the caller closes the database.
  const running = new Set<Promise<void>>()
  // Each job's cursor knows its next start, as for the windows; the first wake-up includes its own
  // minute (looks back 1 ms before it).
  const state = jobs.map((job) => ({
    job,
    cursor: new CronCursor(cronOf(job.cron), deps.timezone, 1),
    busy: false,
  }))
  const call = async (entry: (typeof state)[number]) => {
    entry.busy = true
    try {
      await entry.job.run(deps.clock.now())
    } catch (err) {
      deps.log.error({ err, job: entry.job.name }, 'scheduled job failed')
    } finally {
      entry.busy = false
    }
  }
  const wake = (context: TaskContext) => {
    const minute = Math.floor(context.date.getTime() / MINUTE_MS) * MINUTE_MS
    for (const entry of state) {
      // Due (or overdue after a blocked event loop): runs once, then waits for its next start.
      if (!entry.cursor.dueOnce(minute) || entry.busy) continue
      const run = call(entry)
      running.add(run)
      void run.finally(() => running.delete(run))
    }
  }
  const task: ScheduledTask = schedule(deps.heartbeat ?? '* * * * *', wake, {
    name: 'firewatch-scheduled-work',
    timezone: deps.timezone,
    logger: cronLogger(deps.log),
  })
  return {
    async stop() {
      await task.destroy()
      await Promise.all(running)
    },
  }
}

/** node-cron's own messages (missed runs after a blocked event loop...) into our log, not the console. */
function cronLogger(log: Logger) {
  const text = (m: string | Error) => (typeof m === 'string' ? m : m.message)
  return {
    info: (m: string) => log.debug({ source: 'node-cron' }, m),
    warn: (m: string) => log.warn({ source: 'node-cron' }, m),
    error: (m: string | Error, err?: Error) => log.error({ source: 'node-cron', err }, text(m)),
    debug: (m: string | Error) => log.debug({ source: 'node-cron' }, text(m)),
  }
}
