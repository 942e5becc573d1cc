import type { Logger } from 'pino'
import type { AlertLifecycle } from '../alerting/alert-lifecycle.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import type { Engine } from '../alerting/engine.ts'
import type { FireAware } from '../alerting/fire/fire-aware.ts'
import { createFireRules } from '../alerting/fire/fire-setup.ts'
import { type WindowJson, windowJson } from '../alerting/windows/window.ts'
import type { IngestSink } from '../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { WindowService } from './http/windows-routes.ts'

export interface FireWiringDeps {
  site: SiteModel
  store: AlertStore
  lifecycle: AlertLifecycle
  clock: { now(): number }
  log: Logger
  /** Late-bound: the engine is created after the layer it emits into. */
  engine: () => Engine
}

export interface FireWiring {
  fire: FireAware
  /** The ingest sink of the alarm path: the engine first; a device's `test` event opens a window. */
  engineSink: IngestSink
  /** The lifecycle for the HTTP API: resolving re-arms the rule (device or derived). */
  alerts: AlertLifecycle
  windows: WindowService
  /** Active windows of a building, for the wall (GET /api/v1/buildings). */
  activeWindows(building: string): WindowJson[]
  /** Every second with the engine's tick. */
  tick(now: number): void
}

const DAY_MS = 86_400_000

/** The fire-aware rules (alerting/fire/) and windows, wired to the gateway's parts. */
export function createFireWiring(deps: FireWiringDeps): FireWiring {
  const { clock, lifecycle } = deps
  const { fire, windows } = createFireRules({
    site: deps.site,
    store: deps.store,
    lifecycle,
    clock,
    log: deps.log,
    rearmDevice: (device, rule) => deps.engine().rearm(device, rule),
  })
  const service: WindowService = {
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
  }
  return {
    fire,
    engineSink: {
      readingsAccepted: (readings) => {
        const engine = deps.engine()
        for (const r of readings) engine.reading(r)
      },
      eventAccepted: (e) => {
        if (e.event === 'test') fire.deviceTested(e.device, e.receivedAt)
        deps.engine().event(e)
      },
      statusChanged: (s) => deps.engine().status(s),
    },
    alerts: {
      ...lifecycle,
      resolve(id, actor, note) {
        const alert = lifecycle.resolve(id, actor, note)
        if (alert) fire.resolved(alert)
        return alert
      },
    },
    windows: service,
    activeWindows: (building) =>
      windows
        .notEnded()
        .filter((w) => w.building === building && w.startsAt <= clock.now())
        .map((w) => windowJson(w, clock.now())),
    tick: (now) => fire.tick(now),
  }
}
