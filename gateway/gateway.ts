import { join } from 'node:path'
import type { Logger } from 'pino'
import { createAlarmPath } from '../alerting/alarm-path.ts'
import { AlertStore } from '../alerting/alert-store.ts'
import { checkRuleOverrides } from '../alerting/check-rule-overrides.ts'
import { checkWatchRules } from '../alerting/schedules/watch-tuning.ts'
import { Decoder } from '../ingest/decoder.ts'
import { IngestPipeline, type IngestSink } from '../ingest/ingest-pipeline.ts'
import { loadSite } from '../ingest/site/load-site.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { openReadingsStore } from '../ingest/store/open-readings-store.ts'
import { checkRegisterRules } from '../register/check-register-rules.ts'
import { systemClock } from './clock.ts'
import type { GatewayEnv } from './config.ts'
import { prepareDataDir } from './data-dir.ts'
import { createHttpApp } from './http/http-app.ts'
import { LiveState } from './live/live-state.ts'
import { LiveStream } from './live/live-stream.ts'
import { createGatewayMetrics } from './metrics.ts'
import { createFirewatchBroker, type FirewatchBroker } from './mqtt/broker.ts'
import { createFeedPublisher } from './mqtt/publish-alerts.ts'
import { checkSmsTemplates, createNotifications } from './notify-wiring.ts'
import { createRegisterWiring } from './register-wiring.ts'
import { createRootLogger } from './root-logger.ts'
import { createSchedules, type ScheduleWiringDeps } from './schedule-wiring.ts'
import { type ListenPorts, listenAll, prepareSecurity } from './secure-listeners.ts'
import { startUitdReceiver, type UitdReceiver } from './uitd-wiring.ts'
import { WEB_DIST } from './web-dir.ts'

export { createRootLogger } from './root-logger.ts'

/** Ports of the listeners; null for one that is off (MQTT_PLAIN/HTTP_PLAIN=off, no TLS). */
export interface RunningGateway extends ListenPorts {
  /** The GB/T 26875.3 receiver's port; null while it is off (UITD_ENABLED=off). */
  uitdPort: number | null
  site: SiteModel
  stop(): Promise<void>
}

export interface GatewayOptions {
  clock?: { now(): number }
  log?: Logger
  /** Where `secret: { env: NAME }` in the site file is read from (main.ts passes process.env). */
  secretEnv?: Readonly<Record<string, string | undefined>>
}

/** Wires the parts together (the only place that does: docs/architecture.md) and starts listening. */
export async function startGateway(env: GatewayEnv, options: GatewayOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock
  const log = options.log ?? createRootLogger(env.LOG_LEVEL)
  const site = loadCheckedSite(env, options, clock)
  prepareDataDir(env.DATA_DIR, log)
  const metrics = createGatewayMetrics()
  metrics.countBearerChecksFrom(site.bearerChecks)
  const security = prepareSecurity(env, {
    clock,
    log: log.child({ module: 'limits' }),
    registry: metrics.registry,
    devices: site.devices.length,
  })
  const base: Base = { env, clock, log, site, metrics }
  // The register reads the readings store, opened after the alarm path; the daily report asks it
  // for its section once it exists.
  const late: { register?: Parts['register'] } = {}
  const alerting = wireAlerting(base, (b, p, now) => late.register?.register.dailyAddendum(b, p, now) ?? [])
  const readings = openReadingsStore(env, {
    dataDir: env.DATA_DIR,
    clock,
    log: log.child({ module: 'storage' }),
    metrics: metrics.storage,
  })
  const register = createRegisterWiring(env, { ...alerting, readings: readings.history, clock, log, site })
  late.register = register
  alerting.alarm.observe(register.observer)
  // Storage after the engine: the alarm path comes first and never waits for it (docs/architecture.md).
  const sinks = [
    alerting.alarm.sink,
    liveSink(alerting.live, alerting.liveStream),
    readings.sink,
    alerting.schedules.sink,
  ]
  const ingest = createIngest(env, sinks, log.child({ module: 'ingest' }))
  const broker = await createFirewatchBroker({
    site,
    ingest,
    metrics,
    clock,
    log: log.child({ module: 'mqtt' }),
    maxMessagesPerSec: env.INGRESS_MAX_MESSAGES_PER_SEC,
    hardening: security.hardening,
  })
  alerting.alarm.observe(
    createFeedPublisher((topic, payload) => broker.publish(topic, payload, 1), metrics, clock),
  )
  alerting.alarm.observe(alerting.notify.notifier)
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
  return serve(base, { alerting, readings, broker, security, register, uitd })
}

/** What every part is built from. */
interface Base {
  env: GatewayEnv
  clock: { now(): number }
  log: Logger
  site: SiteModel
  metrics: ReturnType<typeof createGatewayMetrics>
}

type Alerting = ReturnType<typeof wireAlerting>

interface Parts {
  alerting: Alerting
  register: ReturnType<typeof createRegisterWiring>
  readings: ReturnType<typeof openReadingsStore>
  broker: FirewatchBroker
  security: ReturnType<typeof prepareSecurity>
  uitd: UitdReceiver
}

/**
 * The site file, with its rule overrides and watch rules checked, and the SMS templates the
 * configuration gives for the site's languages: a bad one stops start-up (exit 78 from main.ts).
 */
function loadCheckedSite(env: GatewayEnv, options: GatewayOptions, clock: { now(): number }): SiteModel {
  const site = loadSite(env.FIREWATCH_SITE, options.secretEnv, { clock })
  const ruleProblems = [...checkRuleOverrides(site), ...checkWatchRules(site), ...checkRegisterRules(site)]
  if (ruleProblems.length > 0) throw new Error(`${env.FIREWATCH_SITE}:\n  ${ruleProblems.join('\n  ')}`)
  checkSmsTemplates(env, site)
  return site
}

/**
 * The alarm path (alerting/alarm-path.ts) and what hangs off it: the live wall, notifications and
 * scheduled work. MQTT alert publishing and notification dispatch observe it once the broker exists.
 */
function wireAlerting(base: Base, reportAddendum: ScheduleWiringDeps['reportAddendum']) {
  const { env, site, clock, log, metrics } = base
  const store = AlertStore.open(join(env.DATA_DIR, 'alerts.db'), { synchronous: env.ALERT_DB_SYNC })
  const alarm = createAlarmPath({ site, store, clock, log: log.child({ module: 'alerts' }) })
  const live = new LiveState(site, store.active(), clock)
  live.windowsOf = (building) => alarm.windows.activeIn(building)
  const liveStream = new LiveStream({
    live,
    clock,
    activeAlerts: () => alarm.alerts.active(),
    activeIncidents: () => alarm.alerts.incidents.active(),
  })
  alarm.observe({
    afterTransition: (t) => {
      live.alertChanged(t)
      liveStream.alertChanged(t)
    },
    afterIncident: (t) => liveStream.incidentChanged(t),
  })
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
  metrics.countActiveAlertsFrom(() => alerting.alarm.alerts.active())
  let listening = false
  const http = createGatewayHttp(base, parts, () => listening)
  const ports = await listenAll(env, security, broker, http)
  listening = true
  const linkPort = ports.httpPort ?? ports.httpsPort ?? env.HTTP_PORT
  alerting.notify.start(linkPort)
  alerting.schedules.start(linkPort)
  parts.register.start(linkPort)
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
  return createHttpApp({
    site: base.site,
    alerts: alerting.alarm.alerts,
    incidents: { ...alerting.alarm.alerts.incidents, alert: (id: string) => alerting.alarm.alerts.get(id) },
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
  { alerting, broker, security, readings, register, uitd }: Parts,
  http: { close(): Promise<unknown> },
) {
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

function createIngest(env: GatewayEnv, sinks: IngestSink[], log: Logger): IngestPipeline {
  const decoder = new Decoder({
    maxPayloadBytes: env.INGEST_MAX_PAYLOAD_BYTES,
    maxSkewMs: env.INGEST_MAX_SKEW_MS,
  })
  return new IngestPipeline(decoder, sinks, ({ sink, error }) =>
    log.error({ sink, err: error }, 'ingest sink failed'),
  )
}

function liveSink(live: LiveState, stream: LiveStream): IngestSink {
  return {
    readingsAccepted: (readings) => {
      for (const r of readings) {
        live.readingAccepted(r)
        stream.deviceChanged(r.device)
      }
    },
    // An event is a sign of life (as for the offline rule): a device heard only by its events is
    // not `unknown` on the wall.
    eventAccepted: (e) => {
      live.eventAccepted(e)
      stream.deviceChanged(e.device)
    },
    statusChanged: (s) => {
      live.deviceStatus(s)
      stream.deviceChanged(s.device)
    },
    panelStatusAccepted: (s) => {
      if (live.panelStatus(s)) stream.deviceChanged(s.device)
    },
  }
}
