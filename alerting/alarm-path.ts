import { FirewatchError } from '../ingest/error-codes.ts'
import type { IngestSink } from '../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { AlertTransition } from './alert.ts'
import { type AlertLifecycle, createAlertLifecycle } from './alert-lifecycle.ts'
import type { AlertStore } from './alert-store.ts'
import type { Clock, Logger } from './deps.ts'
import { createEngine, type Engine } from './engine.ts'
import type { FireAware } from './fire/fire-aware.ts'
import { createFireRules } from './fire/fire-setup.ts'
import { createWindowService, type WindowService } from './windows/window-service.ts'

export interface AlarmPathDeps {
  site: SiteModel
  /** Alerts, history and windows (and whatever joins their transactions) live in its SQLite file. */
  store: AlertStore
  clock: Clock
  log: Logger
}

/** Follows alert transitions: notifications, the live wall, MQTT alert subscribers, test counters. */
export interface TransitionObserver {
  /** Inside the transition's transaction, before commit (e.g. outbox rows): a throw rolls it back. */
  withinTransaction?(t: AlertTransition): void
  /** After commit. A throw is logged and does not stop the other observers. */
  afterTransition?(t: AlertTransition): void
}

export interface AlarmPath {
  /** The ingest sink of the alarm path; put it first, before storage and the live table. */
  sink: IngestSink
  engine: Engine
  fire: FireAware
  /** Alerts as people handle them: resolving one re-arms its rule, so a condition still present raises again. */
  alerts: AlertLifecycle
  windows: WindowService
  observe(observer: TransitionObserver): void
  /** About once a second, in real or virtual time: offline deadlines, hold times, windows. */
  tick(now: number): void
}

/**
 * The alarm path, built once for the gateway and for virtual-time scenario runs alike: rule engine
 * → fire-aware layer (confirmation, spread, storm control, windows) → alert lifecycle. Alerts that
 * were active before a restart are handed back to the engine and the fire-aware layer, so they clear
 * and group as if the process had never stopped (docs/architecture.md, "The alarm path").
 */
export function createAlarmPath(deps: AlarmPathDeps): AlarmPath {
  const { site, store, clock, log } = deps
  const observers: TransitionObserver[] = []
  const lifecycle = createAlertLifecycle({
    store,
    site,
    clock,
    log,
    withinTransaction: (t) => {
      for (const o of observers) o.withinTransaction?.(t)
    },
    onTransition: (t) => {
      for (const o of observers) {
        try {
          o.afterTransition?.(t)
        } catch (err) {
          log.error({ err, alert: t.alert.id }, 'an alert transition observer failed')
        }
      }
    },
  })
  const { fire, windows } = createFireRules({
    site,
    store,
    lifecycle,
    clock,
    log,
    rearmDevice: (device, rule) => engine.rearm(device, rule),
  })
  const engine = createEngine({ site, clock, emit: (signal) => fire.signal(signal), log })
  restore(engine, fire, lifecycle)
  return {
    sink: engineSink(engine, fire),
    engine,
    fire,
    alerts: peopleView(lifecycle, fire),
    windows: createWindowService({ windows, fire, clock }),
    observe: (observer) => {
      observers.push(observer)
    },
    tick: (now) => {
      engine.tick(now)
      fire.tick(now)
    },
  }
}

/**
 * A device's `test` event puts it in a test window before the engine sees the event. A panel's
 * test bit does not (alerting/rules/panel-rules.ts): it is only noted on the alert.
 */
function engineSink(engine: Engine, fire: FireAware): IngestSink {
  return {
    readingsAccepted: (readings) => {
      for (const r of readings) engine.reading(r)
    },
    eventAccepted: (e) => {
      if (e.event === 'test') fire.deviceTested(e.device, e.receivedAt)
      engine.event(e)
    },
    statusChanged: (s) => engine.status(s),
    // A fire panel's report that the alert store did not take is refused back to its UITD, which
    // sends it again (docs/gbt26875.md): at least once, never lost.
    panelStatusAccepted: (s) => {
      if (!engine.panel(s))
        throw new FirewatchError('FGW_ERR_ALERT_STORE', `panel status of ${s.device} not delivered`)
    },
    uitdLinkChanged: (e) => {
      engine.uitdLink(e)
    },
  }
}

function peopleView(lifecycle: AlertLifecycle, fire: FireAware): AlertLifecycle {
  return {
    ...lifecycle,
    resolve(id, actor, note) {
      const alert = lifecycle.resolve(id, actor, note)
      if (alert) fire.resolved(alert)
      return alert
    },
  }
}

/** Active alerts stay the engine's business across a restart: it may clear them. */
function restore(engine: Engine, fire: FireAware, lifecycle: AlertLifecycle): void {
  const active = lifecycle.active()
  for (const alert of active) if (alert.device !== null) engine.restore(alert.device, alert.rule)
  fire.restore(active)
}
