import { join } from 'node:path'
import { createAlarmPath } from '../alerting/alarm-path.ts'
import { AlertStore } from '../alerting/alert-store.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { openReadingsStore } from '../ingest/store/open-readings-store.ts'
import type { GatewayEnv } from './config.ts'
import { type Base, createBase, type GatewayOptions } from './gateway-base.ts'
import { createHttpApp } from './http/http-app.ts'
import { createIngest, liveSink } from './ingest-wiring.ts'
import { LiveState } from './live/live-state.ts'
import { LiveStream } from './live/live-stream.ts'
import { createFirewatchBroker, type FirewatchBroker } from './mqtt/broker.ts'
import { createFeedPublisher } from './mqtt/publish-alerts.ts'
import { createNotifications } from './notify-wiring.ts'
import { createRegisterWiring } from './register-wiring.ts'
import { createSchedules, type ScheduleWiringDeps } from './schedule-wiring.ts'
import { type ListenPorts, listenAll, prepareSecurity } from './secure-listeners.ts'
import {
  activeForPeople,
  alertsForPeople,
  forPeople,
  incidentsForPeople,
  isPeoples,
} from './self-watch/people-view.ts'
import { withoutProbe } from './self-watch/self-test-site.ts'
import { createSelfWatch, type SelfWatch } from './self-watch/self-watch.ts'
import { startUitdReceiver, type UitdReceiver } from './uitd-wiring.ts'
import { WEB_DIST } from './web-dir.ts'

export { createRootLogger } from './root-logger.ts'
export type { GatewayOptions }

/** Ports of the listeners; null for one that is off (MQTT_PLAIN/HTTP_PLAIN=off, no TLS). */
export interface RunningGateway extends ListenPorts {
  /** The GB/T 26875.3 receiver's port; null while it is off (UITD_ENABLED=off). */
  uitdPort: number | null
  site: SiteModel
  stop(): Promise<void>
}

/** Wires the parts together (the only place that does: docs/architecture.md) and starts listening. */
export async function startGateway(env: GatewayEnv, options: GatewayOptions = {}): Promise<RunningGateway> {
  const base = createBase(env, options)
  const { clock, log, site, metrics } = base
  const security = prepareSecurity(env, {
    clock,
    log: log.child({ module: 'limits' }),
    registry: metrics.registry,
    devices: site.devices.length,
  })
  // The register reads the readings store, opened after the alarm path; the daily report asks it
  // for its section once it exists.
  const late: { register?: Parts['register'] } = {}
  const alerting = wireAlerting(base, (b, p, now) => late.register?.register.dailyAddendum(b, p, now) ?? [])
  const selfWatch = wireSelfWatch(base, alerting)
  const readings = openReadingsStore(env, {
    dataDir: env.DATA_DIR,
    clock,
    log: log.child({ module: 'storage' }),
    metrics: metrics.storage,
  })
  const register = createRegisterWiring(env, { ...alerting, readings: readings.history, clock, log, site })
  late.register = register
  alerting.alarm.observe(forPeople(register.observer))
  // Storage after the engine: the alarm path comes first and never waits for it (docs/architecture.md).
  const sinks = [
    alerting.alarm.sink,
    withoutProbe(liveSink(alerting.live, alerting.liveStream)),
    withoutProbe(readings.sink),
    withoutProbe(alerting.schedules.sink),
  ]
  const ingest = createIngest(env, sinks, log.child({ module: 'ingest' }))
  const broker = await createFirewatchBroker({
    site: base.alarmSite,
    ingest,
    metrics,
    clock,
    log: log.child({ module: 'mqtt' }),
    maxMessagesPerSec: env.INGRESS_MAX_MESSAGES_PER_SEC,
    hardening: security.hardening,
  })
  const feed = createFeedPublisher((topic, payload) => broker.publish(topic, payload, 1), metrics, clock)
  alerting.alarm.observe(forPeople(feed))
  alerting.alarm.observe(forPeople(alerting.notify.notifier))
  // Fire panels through their UITDs (GB/T 26875.3): the same pipeline as the MQTT devices.
  const uitd = await startUitdReceiver(env, {
    site,
    pipeline: ingest,
    clock,
    log: log.child({ module: 'uitd' }),
    registry: metrics.registry,
    db: alerting.store.db,
    tls: security.tls,
    changed: (building) => alerting.liveStream.buildingChanged(building),
  })
  alerting.live.uitdsOf = (building) => uitd.badges(building)
  alerting.live.uitdHeard = (id) => uitd.heard(id)
  return serve(base, { alerting, readings, broker, security, register, uitd, selfWatch })
}

/** The heartbeat and the self-test, which watches the whole alarm path (docs/self-watch.md). */
function wireSelfWatch(base: Base, alerting: Alerting): SelfWatch {
  const selfWatch = createSelfWatch(base.env, {
    site: base.site,
    lifecycle: alerting.alarm.alerts,
    login: base.probe,
    clock: base.clock,
    log: base.log.child({ module: 'self-watch' }),
    registry: base.metrics.registry,
  })
  alerting.alarm.observe(selfWatch.observer)
  return selfWatch
}

type Alerting = ReturnType<typeof wireAlerting>

interface Parts {
  alerting: Alerting
  register: ReturnType<typeof createRegisterWiring>
  readings: ReturnType<typeof openReadingsStore>
  broker: FirewatchBroker
  security: ReturnType<typeof prepareSecurity>
  uitd: UitdReceiver
  selfWatch: SelfWatch
}

/**
 * The alarm path (alerting/alarm-path.ts) and what hangs off it: the live wall, notifications and
 * scheduled work. MQTT alert publishing and notification dispatch observe it once the broker exists.
 */
function wireAlerting(base: Base, reportAddendum: ScheduleWiringDeps['reportAddendum']) {
  const { env, site, clock, log, metrics } = base
  const store = AlertStore.open(join(env.DATA_DIR, 'alerts.db'), { synchronous: env.ALERT_DB_SYNC })
  const alarm = createAlarmPath({ site: base.alarmSite, store, clock, log: log.child({ module: 'alerts' }) })
  const live = new LiveState(site, activeForPeople(() => store.active())(), clock)
  live.windowsOf = (building) => alarm.windows.activeIn(building)
  const liveStream = new LiveStream({
    live,
    clock,
    activeAlerts: activeForPeople(() => alarm.alerts.active()),
    activeIncidents: () => alarm.alerts.incidents.active().filter(isPeoples),
  })
  alarm.observe(
    forPeople({
      afterTransition: (t) => {
        live.alertChanged(t)
        liveStream.alertChanged(t)
      },
      afterIncident: (t) => liveStream.incidentChanged(t),
    }),
  )
  const notify = createNotifications(env, {
    store,
    site,
    clock,
    log,
    metrics,
    acknowledge: (id, actor, note) => alarm.alerts.acknowledge(id, actor, note),
    acknowledgeIncident: (id, actor, note) => alarm.alerts.incidents.acknowledge(id, actor, note),
    // Read at escalation time, once the schedules below exist.
    pace: (building) => schedules.pace(building),
  })
  // Heightened watch, patrol checks, overdue items and reports (alerting/schedules/).
  const schedules = createSchedules(env, {
    site,
    clock,
    log,
    engine: alarm.engine,
    store,
    lifecycle: alarm.alerts,
    notify,
    live,
    liveStream,
    reportAddendum,
  })
  return { store, alarm, live, liveStream, notify, schedules }
}

/** The HTTP API and the listeners; then the timers, and what stops it all in order. */
async function serve(base: Base, parts: Parts): Promise<RunningGateway> {
  const { env, clock, log, site, metrics } = base
  const { alerting, broker, security } = parts
  metrics.countActiveAlertsFrom(activeForPeople(() => alerting.alarm.alerts.active()))
  let listening = false
  const http = createGatewayHttp(base, parts, () => listening)
  const ports = await listenAll(env, security, broker, http)
  listening = true
  const linkPort = ports.httpPort ?? ports.httpsPort ?? env.HTTP_PORT
  alerting.notify.start(linkPort)
  alerting.schedules.start(linkPort)
  parts.register.start(linkPort)
  parts.selfWatch.start(ports, env.BIND_HOST)
  const ticker = setInterval(() => alerting.alarm.tick(clock.now()), 1000)
  const uitdPort = parts.uitd.port
  log.info({ ...ports, uitdPort, site: site.name, devices: site.devices.length }, 'gateway started')
  return {
    ...ports,
    uitdPort,
    site,
    async stop() {
      listening = false
      clearInterval(ticker)
      await stopParts(parts, http)
      log.info('gateway stopped')
    },
  }
}

function createGatewayHttp(base: Base, parts: Parts, ready: () => boolean) {
  const { alerting, readings, security } = parts
  const incidents = {
    ...alerting.alarm.alerts.incidents,
    alert: (id: string) => alerting.alarm.alerts.get(id),
  }
  return createHttpApp({
    site: base.site,
    alerts: alertsForPeople(alerting.alarm.alerts),
    incidents: incidentsForPeople(incidents),
    selfWatch: parts.selfWatch,
    windows: alerting.alarm.windows,
    live: alerting.live,
    readings: readings.history,
    registry: base.metrics.registry,
    ready,
    log: base.log.child({ module: 'http' }),
    clock: base.clock,
    ...alerting.notify.http,
    ...alerting.schedules.http,
    register: { part: parts.register.register, limits: registerLimits(base.env) },
    liveStream: alerting.liveStream,
    uitds: { list: (buildings) => parts.uitd.views(buildings) },
    webDir: WEB_DIST,
    hardening: security.http,
    countRefusal: (reason) => base.metrics.httpRefused.labels(reason).inc(),
    metricsAccess:
      base.env.METRICS_ACCESS === 'token'
        ? { mode: 'token', metricsToken: base.env.METRICS_TOKEN ?? null }
        : { mode: 'open' },
  })
}

function registerLimits(env: GatewayEnv) {
  return { evidenceMaxBytes: env.EVIDENCE_MAX_BYTES, importMaxBytes: env.HAZARD_IMPORT_MAX_BYTES }
}

async function stopParts(
  { alerting, broker, security, readings, register, uitd, selfWatch }: Parts,
  http: { close(): Promise<unknown> },
) {
  // First, while the broker still takes the probe's alarm: a self-test under way ends as it should.
  await selfWatch.stop()
  await alerting.schedules.stop()
  await register.stop()
  alerting.liveStream.close()
  await uitd.stop()
  await broker.close()
  await security.http.listeners?.close()
  await http.close()
  // After the broker: no reading arrives any more, so everything queued is written or spooled.
  await readings.close()
  await alerting.notify.notifier.stop()
  alerting.store.close()
}
