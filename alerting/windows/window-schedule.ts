import { CronCursor, cronOf, type ScheduledWindow } from '../../ingest/index.ts'

/** The first tick looks back this far: a restart does not reopen a window opened before it. */
const FIRST_LOOK_BACK_MS = 1000

/**
 * Scheduled windows (site file `fire.windows.schedule`), read by the site's one cron reader
 * (ingest/site/cron-expression.ts: whole local minutes in the site's time zone), as the heightened
 * watches are. Driven by the engine's tick rather than by timers, so the same code runs in real
 * time and in virtual time (scenario tests): each schedule knows its next start, and a tick opens
 * the ones that have come.
 */
export class WindowSchedule {
  private readonly entries: { window: ScheduledWindow; cursor: CronCursor }[]

  constructor(windows: readonly ScheduledWindow[], timezone: string) {
    this.entries = windows.map((window) => ({
      window,
      cursor: new CronCursor(cronOf(window.cron), timezone, FIRST_LOOK_BACK_MS),
    }))
  }

  /**
   * The schedules that fire in (last tick, now]: each with the instant it fired. Starts more than
   * `maxCatchUpMs` before now are skipped (a stalled process does not replay a day of windows).
   */
  due(now: number, maxCatchUpMs = 120_000): { window: ScheduledWindow; at: number }[] {
    const fired: { window: ScheduledWindow; at: number }[] = []
    for (const e of this.entries)
      for (const at of e.cursor.due(now, maxCatchUpMs)) fired.push({ window: e.window, at })
    return fired.sort((a, b) => a.at - b.at)
  }
}
