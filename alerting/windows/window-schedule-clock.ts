import { createTask, type ScheduledTask } from 'node-cron'
import type { ScheduledWindow } from '../../ingest/fire-schema.ts'

/**
 * Scheduled windows (site file `fire.windows.schedule`), matched with node-cron's own matcher in
 * the site's time zone. Driven by the engine's tick rather than node-cron's timers, so the same
 * code runs in real time and in virtual time (scenario tests): every whole second passed since
 * the last tick is tested once. A "clock" file because it turns instants into Dates for node-cron.
 */
export class WindowSchedule {
  private readonly tasks: { window: ScheduledWindow; task: ScheduledTask }[]
  /** 1 when some expression has a seconds field, else 60: five-field crons fire on whole minutes. */
  private readonly stepSec: number
  private last = Number.NaN

  constructor(windows: readonly ScheduledWindow[], timezone: string) {
    // createTask does not start node-cron's timer: the task is only used to match instants.
    this.tasks = windows.map((window) => ({
      window,
      task: createTask(window.cron, () => {}, { timezone, name: `window-${window.id}` }),
    }))
    // node-cron's match costs about 0.1 ms (time-zone arithmetic): test only the instants that can fire.
    this.stepSec = windows.some((w) => w.cron.trim().split(/\s+/).length > 5) ? 1 : 60
  }

  /**
   * The schedules that fire in (last tick, now]: each with the instant it fired. At most the last
   * `maxCatchUpSec` seconds are examined (a stalled process does not replay a day of seconds).
   */
  due(now: number, maxCatchUpSec = 120): { window: ScheduledWindow; at: number }[] {
    if (this.tasks.length === 0) return []
    const end = Math.floor(now / 1000)
    const start = Number.isNaN(this.last) ? end : Math.max(this.last + 1, end - maxCatchUpSec)
    this.last = Math.max(Number.isNaN(this.last) ? end : this.last, end)
    const fired: { window: ScheduledWindow; at: number }[] = []
    for (let s = start; s <= end; s++) {
      if (s % this.stepSec !== 0) continue
      const date = new Date(s * 1000)
      for (const { window, task } of this.tasks) if (task.match(date)) fired.push({ window, at: s * 1000 })
    }
    return fired
  }

  stop(): void {
    for (const { task } of this.tasks) void task.destroy()
  }
}
