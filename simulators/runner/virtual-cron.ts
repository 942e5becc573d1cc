import type { CronJob } from '../../alerting/schedules/cron-jobs.ts'
import { CronCursor } from '../../ingest/site/cron-cursor.ts'
import { cronOf } from '../../ingest/site/cron-expression.ts'

const MINUTE_MS = 60_000

/** Scheduled work that joins a virtual run: the gateway's node-cron jobs and the site's zone. */
export interface VirtualSchedule {
  timezone: string
  jobs: readonly CronJob[]
}

/**
 * node-cron's adapter (alerting/schedules/cron-jobs.ts) in virtual time: at each virtual minute,
 * the jobs whose cron names it (read by the same cron reader, through the same cursor) run, one
 * after the other, and the run waits for them before the timeline goes on. A failing job is a
 * run note, as a failing ingest sink is.
 */
export function virtualCron(schedule: VirtualSchedule, notes: string[]) {
  const entries = schedule.jobs.map((job) => ({
    job,
    cursor: new CronCursor(cronOf(job.cron), schedule.timezone, 1),
  }))
  return {
    /** Runs the jobs due at `now` when it is a minute boundary; null when none is. */
    due(now: number): Promise<void> | null {
      if (now % MINUTE_MS !== 0) return null
      const due = entries.filter((e) => e.cursor.dueOnce(now))
      if (due.length === 0) return null
      return (async () => {
        for (const { job } of due) {
          try {
            await job.run(now)
          } catch (err) {
            notes.push(`scheduled job ${job.name} failed: ${(err as Error).message}`)
          }
        }
      })()
    },
  }
}
