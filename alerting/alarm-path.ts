import { FirewatchError, type IngestSink, type SiteModel } from '../ingest/index.ts'
import type { AlertTransition } from './alert.ts'
import { createIdGenerator, type IdGenerator } from './alert-id.ts'
import { type AlertLifecycle, createAlertLifecycle } from './alert-lifecycle.ts'
import type { AlertStore } from './alert-store.ts'
import { SYSTEM_ACTOR } from './alert-transitions.ts'
import type { Clock, Logger } from './deps.ts'
import { createEngine, type Engine } from './engine.ts'
import type { FireAware } from './fire/fire-aware.ts'
import { createFireRules } from './fire/fire-setup.ts'
import type { IncidentTransition } from './incidents/incident.ts'
import { IncidentKeeper } from './incidents/incident-keeper.ts'
import { IncidentStore } from './incidents/incident-store.ts'
import { createWindowService, type WindowService } from './windows/window-service.ts'

export interface AlarmPathDeps {
  site: SiteModel
  /** Alerts, history and windows (and whatever joins their transactions) live in its SQLite file. */
  store: AlertStore
  clock: Clock
  log: Logger
  /**
   * Where new alert and incident ids come from; default random ones. A cluster worker replays its
   * partition after a takeover and must make the same ids again (docs/cluster.md).
   */
  ids?: { alert: IdGenerator; incident: IdGenerator }
}

/** Follows alert and incident transitions: notifications, the live wall, MQTT subscribers, test counters. */
export interface TransitionObserver {
  /** Inside the transition's transaction, before commit (e.g. outbox rows): a throw rolls it back. */
  withinTransaction?(t: AlertTransition): void
  /** After commit. A throw is logged and does not stop the other observers. */
  afterTransition?(t: AlertTransition): void
  /** Inside the transaction, after its alert transitions: the incidents they changed. */
  withinIncident?(t: IncidentTransition): void
  /** After commit. A throw is logged and does not stop the other observers. */
  afterIncident?(t: IncidentTransition): void
}

export interface AlarmPath {
  /** The ingest sink of the alarm path; put it first, before storage and the live table. */
  sink: IngestSink
  engine: Engine
  fire: FireAware
  /**
   * Alerts and incidents as people handle them: a person resolving an alert (alone or with its
   * incident) re-arms its rule, so a condition still present raises again.
   */
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
  const each = (what: string, call: (o: TransitionObserver) => void) => {
    for (const o of observers) {
      try {
        call(o)
      } catch (err) {
        log.error({ err }, `an ${what} observer failed`)
      }
    }
  }
  const incidentStore = new IncidentStore(store.db)
  const lifecycle = createAlertLifecycle({
    store,
    site,
    clock,
    log,
    nextId: deps.ids?.alert,
    incidents: new IncidentKeeper({
      incidents: incidentStore,
      settings: site.file.incidents,
      nextId: deps.ids?.incident ?? createIdGenerator(incidentStore.newestId()),
    }),
    withinTransaction: (t) => {
      for (const o of observers) o.withinTransaction?.(t)
    },
    withinIncident: (t) => {
      for (const o of observers) o.withinIncident?.(t)
    },
    onTransition: (t) => each('alert transition', (o) => o.afterTransition?.(t)),
    onIncident: (t) => each('incident transition', (o) => o.afterIncident?.(t)),
  })
  // A person resolved it (alone, or with its incident): the rule may raise again.
  observers.push({
    afterTransition: (t) => {
      if (t.action === 'resolved' && t.actor !== SYSTEM_ACTOR) fire.resolved(t.alert)
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
  lifecycle.incidents.adoptOrphans()
  restore(engine, fire, lifecycle)
  return {
    sink: engineSink(engine, fire),
    engine,
    fire,
    alerts: lifecycle,
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

/** Active alerts stay the engine's business across a restart: it may clear them. */
function restore(engine: Engine, fire: FireAware, lifecycle: AlertLifecycle): void {
  const active = lifecycle.active()
  for (const alert of active) if (alert.device !== null) engine.restore(alert.device, alert.rule)
  fire.restore(active)
}
