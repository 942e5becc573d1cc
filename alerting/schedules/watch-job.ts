import { holidayCalendarOf, type SiteModel } from '../../ingest/index.ts'
import type { Logger } from '../deps.ts'
import type { Tighten } from '../rules/device-rules.ts'
import { type ActiveWatch, activeWatches } from './watch-periods.ts'
import { type WatchTuning, watchTuning } from './watch-tuning.ts'

export interface WatchJobOptions {
  site: SiteModel
  /** The engine's retune (alerting/engine.ts). */
  retune(tighten: Tighten): void
  /** Called after the set of active watches changed (live wall, log). */
  changed?(active: readonly ActiveWatch[]): void
  log?: Logger
}

export interface WatchJob {
  /** Works out the watches on at `now` and retunes the rules when that set changed. */
  run(now: number): void
  /** The current tuning (escalation pace, the wall's watch badge). */
  tuning(): WatchTuning
}

/**
 * The heightened-watch job. Watches are a plain function of time (watch-periods.ts), so a restart
 * needs no saved state: the first run after start-up finds the watches that are on.
 */
export function createWatchJob(options: WatchJobOptions): WatchJob {
  let key: string | null = null
  let tuning = watchTuning([])
  const calendar = holidayCalendarOf(options.site.file.holidays)
  return {
    run(now) {
      const { site } = options
      const active = activeWatches(site.file.schedules.watches, now, site.timezone, calendar)
      const next = active.map((w) => `${w.id}@${w.since}`).join(',')
      if (next === key) return
      key = next
      tuning = watchTuning(active)
      options.retune(tuning.tighten)
      options.log?.info({ watches: active.map((w) => w.id) }, 'heightened watch changed')
      options.changed?.(active)
    },
    tuning: () => tuning,
  }
}
