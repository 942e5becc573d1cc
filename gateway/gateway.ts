import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import pino, { type Logger } from 'pino'
import { type AlertLifecycle, createAlertLifecycle } from '../alerting/alert-lifecycle.ts'
import { AlertStore } from '../alerting/alert-store.ts'
import { checkRuleOverrides } from '../alerting/check-rule-overrides.ts'
import { createEngine, type Engine } from '../alerting/engine.ts'
import { checkWatchRules } from '../alerting/schedules/watch-tuning.ts'
import { Decoder } from '../ingest/decoder.ts'
import { IngestPipeline, type IngestSink } from '../ingest/ingest-pipeline.ts'
import { loadSite } from '../ingest/load-site.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import { openReadingsStore } from '../ingest/store/open-readings-store.ts'
import { createFirewatchBroker, type FirewatchBroker } from './broker.ts'
import { systemClock } from './clock.ts'
import type { GatewayEnv } from './config.ts'
import { createFireWiring } from './fire-wiring.ts'
import { createHttpApp } from './http/http-app.ts'
import { LiveState } from './live-state.ts'
import { LiveStream } from './live-stream.ts'
import { createGatewayMetrics } from './metrics.ts'
import { createNotifications } from './notify-wiring.ts'
import { createAlertPublisher } from './publish-alerts.ts'
import { createSchedules } from './schedule-wiring.ts'
import { type ListenPorts, listenAll, prepareSecurity } from './secure-listeners.ts'
import { WEB_DIST } from './web-dir.ts'

/** Ports of the listeners; null for one that is off (MQTT_PLAIN/HTTP_PLAIN=off, no TLS). */
export interface RunningGateway extends ListenPorts {
  site: SiteModel
  stop(): Promise<void>
}

export interface GatewayOptions {
  clock?: { now(): number }
  log?: Logger
  /** Where `secret: { env: NAME }` in the site file is read from (main.ts passes process.env). */
  secretEnv?: Readonly<Record<string, string | undefined>>
}

/** Wires the parts together (the only place that does, DESIGN.md) and starts listening. */
export async function startGateway(env: GatewayEnv, options: GatewayOptions = {}): Promise<RunningGateway> {
  const clock = options.clock ?? systemClock
  const log = options.log ?? createRootLogger(env.LOG_LEVEL)
  const site = loadSite(env.FIREWATCH_SITE, options.secretEnv)
  const ruleProblems = [...checkRuleOverrides(site), ...checkWatchRules(site)]
  if (ruleProblems.length > 0) throw new Error(`${env.FIREWATCH_SITE}:\n  ${ruleProblems.join('\n  ')}`)
  mkdirSync(env.DATA_DIR, { recursive: true })
  const metrics = createGatewayMetrics()
  const security = prepareSecurity(env, {
    clock,
    log: log.child({ module: 'limits' }),
    registry: metrics.registry,
  })
  const store = AlertStore.open(join(env.DATA_DIR, 'alerts.db'), { synchronous: env.ALERT_DB_SYNC })
  const live = new LiveState(site, store.active())
  const liveStream = new LiveStream({
    live,
    clock,
    activeAlerts: () => lifecycle.active(),
    windowsOf: (b) => fireRules.activeWindows(b),
  })
  let broker: FirewatchBroker | null = null
  const publishAlert = createAlertPublisher(
    (topic, payload) => broker?.publish(topic, payload, 1),
    metrics,
    clock,
  )
  // Notifications: jobs commit in the alert's own transaction (issue 5); links acknowledge through it.
  const notify = createNotifications(env, {
    store,
    site,
    clock,
    log,
    metrics,
    acknowledge: (id, actor, note) => lifecycle.acknowledge(id, actor, note),
    pace: (building) => schedules.pace(building),
  })
  const lifecycle = createAlertLifecycle({
    store,
    site,
    clock,
    log: log.child({ module: 'alerts' }),
    withinTransaction: notify.notifier.withinTransaction,
    onTransition: (t) => {
      live.alertChanged(t)
      liveStream.alertChanged(t)
      publishAlert(t)
      notify.notifier.afterTransition(t)
    },
  })
  // Fire-aware rules (issue 7) between engine and lifecycle: confirmation, spread, storm, windows.
  const fireRules = createFireWiring({
    site,
    store,
    lifecycle,
    clock,
    log: log.child({ module: 'fire' }),
    engine: () => engine,
  })
  const engine = createEngine({
    site,
    clock,
    emit: (s) => fireRules.fire.signal(s),
    log: log.child({ module: 'engine' }),
  })
  restoreEngineState(engine, lifecycle)
  // Heightened watch, patrol checks, overdue items and reports (issue 8).
  const schedules = createSchedules(env, {
    site,
    store,
    clock,
    log,
    engine,
    lifecycle,
    notify,
    live,
    liveStream,
  })
  fireRules.fire.restore(lifecycle.active())
  const readings = openReadingsStore(env, {
    dataDir: env.DATA_DIR,
    clock,
    log: log.child({ module: 'storage' }),
    metrics: metrics.storage,
  })
  // Storage after the engine: the alarm path comes first and never waits for it (DESIGN.md).
  const sinks = [fireRules.engineSink, liveSink(live, liveStream), readings.sink, schedules.sink]
  const ingest = createIngest(env, sinks, log.child({ module: 'ingest' }))
  broker = await createFirewatchBroker({
    site,
    ingest,
    metrics,
    clock,
    log: log.child({ module: 'mqtt' }),
    maxMessagesPerSec: env.INGRESS_MAX_MESSAGES_PER_SEC,
    hardening: security.hardening,
  })
  metrics.countActiveAlertsFrom(() => lifecycle.active())
  let listening = false
  const http = createHttpApp({
    site,
    alerts: fireRules.alerts,
    windows: fireRules.windows,
    activeWindows: fireRules.activeWindows,
    live,
    readings: readings.history,
    registry: metrics.registry,
    ready: () => listening,
    log: log.child({ module: 'http' }),
    clock,
    ...notify.http,
    ...schedules.http,
    liveStream,
    webDir: WEB_DIST,
    hardening: security.http,
  })
  const ports = await listenAll(env, security, broker, http)
  listening = true
  const linkPort = ports.httpPort ?? ports.httpsPort ?? env.HTTP_PORT
  notify.start(linkPort)
  schedules.start(linkPort)
  const ticker = setInterval(() => {
    engine.tick(clock.now())
    fireRules.tick(clock.now())
  }, 1000)
  log.info({ ...ports, site: site.name, devices: site.devices.length }, 'gateway started')
  return {
    ...ports,
    site,
    async stop() {
      listening = false
      clearInterval(ticker)
      await schedules.stop()
      fireRules.stop()
      liveStream.close()
      await broker?.close()
      await security.http.listeners?.close()
      await http.close()
      // After the broker: no reading arrives any more, so everything queued is written or spooled.
      await readings.close()
      await notify.notifier.stop()
      store.close()
      log.info('gateway stopped')
    },
  }
}

export function createRootLogger(level: GatewayEnv['LOG_LEVEL']): Logger {
  return pino({
    level,
    redact: [
      'token',
      'password',
      'secret',
      '*.token',
      '*.password',
      '*.secret',
      'req.headers.authorization',
      'headers.authorization',
    ],
  })
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
    statusChanged: (s) => {
      live.deviceStatus(s)
      stream.deviceChanged(s.device)
    },
  }
}

/** Alerts that were active before a restart stay the engine's business: it may clear them. */
function restoreEngineState(engine: Engine, lifecycle: AlertLifecycle): void {
  for (const alert of lifecycle.active()) if (alert.device !== null) engine.restore(alert.device, alert.rule)
}
