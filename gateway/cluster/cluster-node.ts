import type { Logger } from 'pino'
import { Counter, type Registry } from 'prom-client'
import { Decoder } from '../../ingest/decoder.ts'
import { IngestPipeline } from '../../ingest/ingest-pipeline.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import type { GatewayEnv } from '../config.ts'
import { createGatewayMetrics } from '../metrics.ts'
import { createFirewatchBroker } from '../mqtt/broker.ts'
import { prepareSecurity } from '../secure-listeners.ts'
import { type AlarmWorker, startAlarmWorker } from './alarm-worker.ts'
import type { ClusterSettings } from './cluster-config.ts'
import { connectNats, connectPostgres, type NatsParts } from './cluster-connect.ts'
import type { PgSession } from './pg-session.ts'
import { StreamIngest } from './stream-ingest.ts'

export interface ClusterNodeOptions {
  clock: { now(): number }
  log: Logger
  secretEnv: Readonly<Record<string, string | undefined>>
  /** The node's session was fenced off or lost: main.ts exits, the supervisor starts it again. */
  fatal(error: Error): void
}

export interface RunningClusterNode {
  mqttPort: number | null
  stop(): Promise<void>
}

/**
 * A cluster node (docs/cluster.md "Running cluster mode"): the MQTT front end, whose accepted
 * messages go to the replicated stream before their PUBACK, and the alarm-path worker of the
 * partitions it owns. The HTTP API, notifications and readings storage are embedded-mode only.
 */
export async function startClusterNode(
  env: GatewayEnv,
  settings: ClusterSettings,
  options: ClusterNodeOptions,
): Promise<RunningClusterNode> {
  const { clock, log } = options
  const site = loadSite(env.FIREWATCH_SITE, options.secretEnv, { clock })
  const nats = await connectNats(settings)
  const session = await connectPostgres(settings).catch(async (err) => {
    await nats.nc.close()
    throw err
  })
  const worker = startAlarmWorker({
    ...settings,
    js: nats.js,
    jsm: nats.jsm,
    session,
    site,
    log,
    sessionLost: options.fatal,
  })
  const front = await startFrontEnd(env, settings, { ...options, site, nats })
  log.info(
    { mqttPort: front.mqttPort, httpPort: null, node: settings.nodeId, cluster: true },
    'gateway started',
  )
  return {
    mqttPort: front.mqttPort,
    stop: () => stopNode(front, worker, nats, session, log),
  }
}

type FrontEndDeps = ClusterNodeOptions & { site: ReturnType<typeof loadSite>; nats: NatsParts }

/** The MQTT front end: the embedded broker, its ingest handing every accepted message to the stream. */
async function startFrontEnd(env: GatewayEnv, settings: ClusterSettings, deps: FrontEndDeps) {
  const { clock, log, site } = deps
  const metrics = createGatewayMetrics()
  const security = prepareSecurity(env, {
    clock,
    log,
    registry: metrics.registry,
    devices: site.devices.length,
  })
  const ingest = streamIngest(env, settings, deps, metrics.registry)
  const broker = await createFirewatchBroker({
    site,
    ingest: ingest.pipeline,
    metrics,
    clock,
    log: log.child({ module: 'mqtt' }),
    maxMessagesPerSec: env.INGRESS_MAX_MESSAGES_PER_SEC,
    hardening: security.hardening,
    durable: ingest.stream,
  })
  const mqttPort = env.MQTT_PLAIN === 'on' ? await broker.listen(env.MQTT_PORT, env.BIND_HOST) : null
  return { broker, mqttPort }
}

/** The embedded decoder, whose only sink is the stream; refusals counted and logged. */
function streamIngest(env: GatewayEnv, settings: ClusterSettings, deps: FrontEndDeps, registry: Registry) {
  const refused = new Counter({
    name: 'firewatch_cluster_publish_refused_total',
    help: 'Device publishes refused because the stream did not acknowledge them (the device resends)',
    registers: [registry],
  })
  const stream: StreamIngest = new StreamIngest({
    js: deps.nats.js,
    partitions: settings.partitions,
    publishTimeoutMs: settings.connectTimeoutMs,
    onRefused: (device, err) => {
      refused.inc()
      deps.log.warn(
        { device, err: (err as Error).message },
        'publish refused: the stream did not acknowledge it',
      )
    },
    forgetSeq: (device, seq) => pipeline.forgetSeq(device, seq),
  })
  const decoder = new Decoder({
    maxPayloadBytes: env.INGEST_MAX_PAYLOAD_BYTES,
    maxSkewMs: env.INGEST_MAX_SKEW_MS,
  })
  const pipeline = new IngestPipeline(decoder, [stream.sink], ({ error }) =>
    deps.log.error({ err: error }, 'ingest sink failed'),
  )
  return { stream, pipeline }
}

async function stopNode(
  front: { broker: { close(): Promise<void> } },
  worker: AlarmWorker,
  nats: NatsParts,
  session: PgSession,
  log: Logger,
): Promise<void> {
  await front.broker.close()
  await worker.stop()
  await nats.nc.drain().catch(() => {})
  await session.close()
  log.info('gateway stopped')
}
