import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client'
import type { BearerCheckCounts } from '../ingest/site/site-model.ts'
import { HTTP_REFUSALS } from './http/http-refusals.ts'
import type { DelayReason } from './mqtt/handlers/ingress-limiter.ts'
import { createNotifyMetrics } from './notify-metrics.ts'

/** Every Prometheus metric the gateway exports, created once and handed to the modules that count. */
export function createGatewayMetrics() {
  const registry = new Registry()
  let activeAlerts: () => readonly { class: string }[] = () => []
  // Per-message totals: plain numbers on the hot path, handed to prom-client at scrape time.
  const perMessage = { accepted: 0, ingressDelayed: 0, ingressDeferred: 0 }
  let bearerChecks: Readonly<BearerCheckCounts> = { scrypt: 0, refusedFromMemory: 0 }
  collectDefaultMetrics({ register: registry, prefix: 'firewatch_process_' })
  const m = {
    registry,
    readingsAccepted: countedAtScrape(registry, {
      name: 'firewatch_readings_accepted_total',
      help: 'Readings accepted from devices',
      read: () => perMessage.accepted,
    }),
    countAccepted(readings: number): void {
      perMessage.accepted += readings
    },
    readingsRejected: new Counter({
      name: 'firewatch_readings_rejected_total',
      help: 'Device messages or metrics rejected, by reason (FGW_ERR_* code)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    eventsAccepted: new Counter({
      name: 'firewatch_device_events_total',
      help: 'Device events accepted, by event',
      labelNames: ['event'],
      registers: [registry],
    }),
    aclDenied: new Counter({
      name: 'firewatch_mqtt_acl_denied_total',
      help: 'Publishes and subscriptions refused by the topic ACL',
      labelNames: ['action'],
      registers: [registry],
    }),
    authFailed: new Counter({
      name: 'firewatch_mqtt_auth_failed_total',
      help: 'MQTT logins refused',
      registers: [registry],
    }),
    connections: new Gauge({
      name: 'firewatch_mqtt_connections',
      help: 'Connected MQTT clients',
      registers: [registry],
    }),
    ingressDelayed: countedAtScrape(registry, {
      name: 'firewatch_ingress_delayed_total',
      help: 'Telemetry messages held back by the ingress limit (publishers slowed down)',
      read: () => perMessage.ingressDelayed,
    }),
    ingressDeferred: countedAtScrape(registry, {
      name: 'firewatch_ingress_deferred_total',
      help: 'Telemetry messages left for a later event-loop turn, so that alarms read meanwhile go first',
      read: () => perMessage.ingressDeferred,
    }),
    /** One telemetry message waits: for the ingress rate, or for a later event-loop turn. */
    countIngressWait(reason: DelayReason): void {
      if (reason === 'rate') perMessage.ingressDelayed++
      else perMessage.ingressDeferred++
    },
    alertTransitions: new Counter({
      name: 'firewatch_alert_transitions_total',
      help: 'Alert transitions, by class and action',
      labelNames: ['class', 'action'],
      registers: [registry],
    }),
    incidentTransitions: new Counter({
      name: 'firewatch_incident_transitions_total',
      help: 'Incident transitions, by class and action',
      labelNames: ['class', 'action'],
      registers: [registry],
    }),
    alertsActive: new Gauge({
      name: 'firewatch_alerts_active',
      help: 'Active (open or acknowledged) alerts, by class',
      labelNames: ['class'],
      registers: [registry],
      collect() {
        this.reset()
        for (const alert of activeAlerts()) this.labels(alert.class).inc()
      },
    }),
    /** Where the active-alerts gauge reads from at scrape time. */
    countActiveAlertsFrom(source: () => readonly { class: string }[]): void {
      activeAlerts = source
    },
    bearerScrypt: countedAtScrape(registry, {
      name: 'firewatch_http_bearer_scrypt_total',
      help: 'scrypt checks of bearer tokens against hashed API tokens (one per hashed token tried)',
      read: () => bearerChecks.scrypt,
    }),
    bearerRefusedFromMemory: countedAtScrape(registry, {
      name: 'firewatch_http_bearer_refused_remembered_total',
      help: 'Wrong bearer tokens refused without scrypt because the same token was refused lately',
      read: () => bearerChecks.refusedFromMemory,
    }),
    /** Where the bearer-check counters read from at scrape time (the site model counts them). */
    countBearerChecksFrom(source: Readonly<BearerCheckCounts>): void {
      bearerChecks = source
    },
    httpRefused: httpRefusals(registry),
    publishToAlert: new Histogram({
      name: 'firewatch_publish_to_alert_seconds',
      help: 'From receipt of the device message to the committed and published alert transition',
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers: [registry],
    }),
    storage: createStorageMetrics(registry),
    notify: createNotifyMetrics(registry),
  }
  return m
}

/** Every reason starts at 0, so that a dashboard (and a test) sees the series before the first refusal. */
function httpRefusals(registry: Registry) {
  const counter = new Counter({
    name: 'firewatch_http_refused_total',
    help: 'HTTP requests refused for a security reason other than a limit, by reason',
    labelNames: ['reason'],
    registers: [registry],
  })
  for (const reason of HTTP_REFUSALS) counter.labels(reason).inc(0)
  return counter
}

/** A counter kept as a plain running total elsewhere and handed to prom-client at scrape time. */
function countedAtScrape(registry: Registry, opts: { name: string; help: string; read: () => number }) {
  let seen = 0
  return new Counter({
    name: opts.name,
    help: opts.help,
    registers: [registry],
    collect() {
      const total = opts.read()
      this.inc(total - seen)
      seen = total
    },
  })
}

/** The readings store's instruments (ingest/store/readings-backend.ts StorageMetrics). */
function createStorageMetrics(registry: Registry) {
  const counter = (name: string, help: string) =>
    new Counter({ name: `firewatch_storage_${name}`, help, registers: [registry] })
  const gauge = (name: string, help: string) =>
    new Gauge({ name: `firewatch_storage_${name}`, help, registers: [registry] })
  return {
    written: counter('points_written_total', 'Readings the store confirmed (InfluxDB 2xx, SQLite commit)'),
    spooled: counter('points_spooled_total', 'Readings put in the on-disk spool (store down or behind)'),
    replayed: counter('points_replayed_total', 'Readings written from the spool (also in points_written)'),
    dropped: counter('points_dropped_total', 'Readings lost because the spool was full; must stay 0'),
    rejected: counter('points_rejected_total', 'Readings the store refused for good (dead-letter file)'),
    writeSeconds: new Histogram({
      name: 'firewatch_storage_write_seconds',
      help: 'Time of one batch write to the readings store, answered or failed',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    spoolBytes: gauge('spool_bytes', 'Size of the readings spool on disk'),
    spoolLimitBytes: gauge('spool_limit_bytes', 'STORAGE_SPOOL_MAX_BYTES: readings are dropped beyond it'),
    queued: gauge('queue_points', 'Readings in memory, queued or being written'),
    up: gauge('up', '1 while the readings store takes writes, 0 while readings are spooled'),
  }
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>
