import type { FireSettings, SiteModel, WindowTarget } from '../../ingest/index.ts'
import type { IdGenerator } from '../alert-id.ts'
import {
  effectiveEnd,
  type MaintenanceWindow,
  type Place,
  type WindowSource,
  windowCovers,
} from './window.ts'
import { WindowSchedule } from './window-schedule.ts'
import type { WindowStore } from './window-store.ts'

/** What the API (or a schedule, or a device) asks for; times in epoch ms. */
export interface WindowRequest extends WindowTarget {
  reason: string
  /** Default: now. */
  startsAt?: number
  /** Either an end or a duration; neither = the site's default duration. Never open-ended. */
  endsAt?: number
  durationMin?: number
}

export type OpenOutcome = { ok: true; window: MaintenanceWindow } | { ok: false; problem: string }

/**
 * Test and maintenance windows (docs/rules.md): opened by the API, by a cron schedule of the site
 * file or by a device reporting `test`; each ends by itself. Windows not yet ended are kept in
 * memory (a handful), so asking whether a signal falls in one costs no I/O.
 */
export class WindowKeeper {
  private pending: MaintenanceWindow[]
  private readonly schedule: WindowSchedule
  private readonly settings: FireSettings['windows']

  constructor(
    private readonly store: WindowStore,
    private readonly site: SiteModel,
    private readonly nextId: IdGenerator,
    now: number,
  ) {
    this.settings = site.file.fire.windows
    this.pending = store.notEndedAt(now)
    this.schedule = new WindowSchedule(this.settings.schedule, site.timezone)
  }

  open(req: WindowRequest, source: WindowSource, createdBy: string, now: number): OpenOutcome {
    const problem = this.checkTarget(req)
    if (problem) return { ok: false, problem }
    const startsAt = req.startsAt ?? now
    const endsAt = req.endsAt ?? startsAt + (req.durationMin ?? this.settings.defaultMin) * 60_000
    if (endsAt <= startsAt) return { ok: false, problem: 'the window ends before it starts' }
    if (endsAt - startsAt > this.settings.maxMin * 60_000)
      return {
        ok: false,
        problem: `a window lasts at most ${this.settings.maxMin} min (fire.windows.maxMin)`,
      }
    if (endsAt <= now) return { ok: false, problem: 'the window is already over' }
    const window: MaintenanceWindow = {
      id: this.nextId(now),
      building: req.building,
      floor: req.floor ?? null,
      zone: req.zone ?? null,
      device: req.device ?? null,
      reason: req.reason,
      source,
      createdBy,
      startsAt,
      endsAt,
      closedAt: null,
    }
    this.store.insert(window)
    this.pending.push(window)
    return { ok: true, window }
  }

  /** Closes a window early; undefined when unknown or already over. */
  close(id: string, now: number): MaintenanceWindow | undefined {
    const w = this.pending.find((p) => p.id === id)
    if (!w || !this.store.close(id, now)) return undefined
    this.pending = this.pending.filter((p) => p.id !== id)
    return { ...w, closedAt: now }
  }

  get(id: string): MaintenanceWindow | undefined {
    return this.store.get(id)
  }

  /** The window a signal at `at` falls in, if any. */
  covering(place: Place, at: number): MaintenanceWindow | undefined {
    for (const w of this.pending) if (windowCovers(w, place, at)) return w
    return undefined
  }

  /** A device reported `test`: it is in a window for `deviceTestMin` (0 = off). */
  deviceTested(device: string, at: number): MaintenanceWindow | undefined {
    const d = this.site.device(device)
    const minutes = this.settings.deviceTestMin
    if (!d || minutes === 0) return undefined
    const running = this.pending.find(
      (w) => w.source === 'device' && w.device === device && effectiveEnd(w) > at,
    )
    if (running) return running
    const target = { building: d.building, floor: d.floor, zone: d.zone, device: d.id }
    const outcome = this.open(
      { ...target, reason: 'device reported a test', startsAt: at, durationMin: minutes },
      'device',
      device,
      at,
    )
    return outcome.ok ? outcome.window : undefined
  }

  /** Opens the scheduled windows due and returns the windows that ended since the last tick. */
  tick(now: number): MaintenanceWindow[] {
    for (const { window: s, at } of this.schedule.due(now)) {
      const { id, cron: _cron, durationMin, ...target } = s
      this.open({ ...target, startsAt: at, durationMin }, 'schedule', id, now)
    }
    const ended = this.pending.filter((w) => effectiveEnd(w) <= now)
    if (ended.length > 0) this.pending = this.pending.filter((w) => effectiveEnd(w) > now)
    return ended
  }

  /** Windows in force or still to come. */
  notEnded(): readonly MaintenanceWindow[] {
    return this.pending
  }

  /** For the API: windows ending after `since`, newest first. */
  recent(since: number, limit: number): MaintenanceWindow[] {
    return this.store.endingAfter(since, limit)
  }

  private checkTarget(t: WindowTarget): string | null {
    const b = this.site.building(t.building)
    if (!b) return `unknown building ${t.building}`
    if (t.floor !== undefined && (t.floor > b.floors || t.floor < -b.basements || t.floor === 0))
      return `floor ${t.floor} is not in ${b.id}`
    if (t.device !== undefined) {
      const d = this.site.device(t.device)
      if (!d || d.building !== t.building) return `unknown device ${t.device} in ${t.building}`
    }
    // A typo in a zone name must not open a window that covers nothing.
    if (t.zone !== undefined && !this.site.devicesOf(t.building).some((d) => d.zone === t.zone))
      return `no zone ${t.zone} in ${t.building}`
    return null
  }
}
