import { type ScheduledTask, schedule } from 'node-cron'
import type { Clock, Logger } from '../deps.ts'

/** A job is a plain function of the time it runs at; node-cron only says when. */
export interface CronJob {
  name: string
  /** node-cron expression, read in `timezone`. */
  cron: string
  run(now: number): unknown
}

export interface CronJobs {
  /** Stops the schedules and waits for the runs in flight. */
  stop(): Promise<void>
}

/**
 * The node-cron adapter (STYLE.md §7) and the error boundary of scheduled work (§6): each job is
 * called with clock.now(), never twice at once, and a failure is logged once and waits for the
 * next run.
 */
export function startCronJobs(
  jobs: readonly CronJob[],
  deps: { clock: Clock; log: Logger; timezone: string },
): CronJobs {
  // Runs in flight, so that stop() lets them finish before the caller closes the database.
  const running = new Set<Promise<void>>()
  const call = async (job: CronJob) => {
    try {
      await job.run(deps.clock.now())
    } catch (err) {
      deps.log.error({ err, job: job.name }, 'scheduled job failed')
    }
  }
  const tasks: ScheduledTask[] = jobs.map((job) =>
    schedule(
      job.cron,
      () => {
        const run = call(job)
        running.add(run)
        return run.finally(() => running.delete(run))
      },
      {
        name: `firewatch-${job.name}`,
        timezone: deps.timezone,
        noOverlap: true,
        logger: cronLogger(deps.log),
      },
    ),
  )
  return {
    async stop() {
      for (const task of tasks) await task.destroy()
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
