import type { FireAware } from '../fire/fire-aware.ts'
import { type WindowJson, windowJson } from './window.ts'
import type { WindowKeeper, WindowRequest } from './window-keeper.ts'

/** Test and maintenance windows as people see and change them (the HTTP API). */
export interface WindowService {
  /** In force, still to come, or ended within the last day; newest first. */
  list(): WindowJson[]
  get(id: string): WindowJson | undefined
  open(req: WindowRequest, actor: string): { ok: true; window: WindowJson } | { ok: false; problem: string }
  /** Closes early; undefined when unknown or already over. Its test alerts end and their rules re-arm. */
  close(id: string): WindowJson | undefined
  /** The windows of a building in force now, for the wall. */
  activeIn(building: string): WindowJson[]
}

const DAY_MS = 86_400_000

export function createWindowService(deps: {
  windows: WindowKeeper
  fire: FireAware
  clock: { now(): number }
}): WindowService {
  const { windows, fire, clock } = deps
  return {
    list: () => windows.recent(clock.now() - DAY_MS, 500).map((w) => windowJson(w, clock.now())),
    get: (id) => {
      const w = windows.get(id)
      return w && windowJson(w, clock.now())
    },
    open: (req, actor) => {
      const outcome = windows.open(req, 'api', actor, clock.now())
      return outcome.ok ? { ok: true, window: windowJson(outcome.window, clock.now()) } : outcome
    },
    close: (id) => {
      const now = clock.now()
      const closed = windows.close(id, now)
      if (!closed) return undefined
      fire.windowEnded(closed, now)
      return windowJson(closed, now)
    },
    activeIn: (building) =>
      windows
        .notEnded()
        .filter((w) => w.building === building && w.startsAt <= clock.now())
        .map((w) => windowJson(w, clock.now())),
  }
}
