import type { Socket } from 'node:net'
import type { TlsOptions } from 'node:tls'
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { IngestPipeline } from '../../ingest/ingest-pipeline.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { DurableHandoff } from '../cluster/stream-ingest.ts'
import type { Hardening } from '../limits/hardening.ts'
import { MqttConnectionGate } from '../limits/mqtt-connection-gate.ts'
import { guardPacketSize } from '../limits/packet-size-guard.ts'
import { remoteAddressOf } from '../limits/publish-admission.ts'
import type { GatewayMetrics } from '../metrics.ts'
import { ClientRegistry } from './handlers/client-registry.ts'
import { DeviceReplies } from './handlers/device-replies.ts'
import { DeviceTrafficWatchers } from './handlers/device-traffic-watchers.ts'
import { createAuthenticate } from './handlers/handle-authenticate.ts'
import { createAuthorizePublish, DROPPED_TOPIC } from './handlers/handle-publish.ts'
import { createAuthorizeForward, createAuthorizeSubscribe } from './handlers/handle-subscribe.ts'
import { IngestFailures } from './handlers/ingest-failures.ts'
import { IngressLimiter } from './handlers/ingress-limiter.ts'
import { createSessionGuards } from './handlers/session-guards.ts'

export interface BrokerDeps {
  site: SiteModel
  ingest: IngestPipeline
  metrics: GatewayMetrics
  log: Logger
  clock: { now(): number }
  maxMessagesPerSec: number
  hardening: Hardening
  /** Cluster mode: accepted messages are PUBACKed once the stream holds them (docs/cluster.md). */
  durable?: DurableHandoff
}

export interface FirewatchBroker {
  aedes: Aedes
  /** Publishes on behalf of the gateway (alert transitions, error answers). */
  publish(topic: string, payload: Buffer, qos: 0 | 1): void
  listen(port: number, host: string): Promise<number>
  /** MQTT over TLS (MQTT_TLS_PORT); the same broker, devices may also log in with a certificate. */
  listenTls(port: number, host: string, tls: TlsOptions): Promise<number>
  close(): Promise<void>
}

/** The embedded aedes broker with device authentication, topic ACL and ingest (docs/architecture.md). */
export async function createFirewatchBroker(deps: BrokerDeps): Promise<FirewatchBroker> {
  const { metrics, log } = deps
  const clients = new ClientRegistry()
  const watchers = new DeviceTrafficWatchers()
  const limiter = new IngressLimiter(deps.maxMessagesPerSec, deps.clock, metrics.countIngressWait)
  const guards = createSessionGuards({ ...deps, clients, registry: metrics.registry })
  let aedes: Aedes | null = null
  const publish = (topic: string, payload: Buffer, qos: 0 | 1 = 0): void => {
    aedes?.publish({ cmd: 'publish', topic, payload, qos, retain: false, dup: false }, (err) => {
      if (err) log.warn({ err, topic }, 'gateway publish failed')
    })
  }
  const ingestFailures = new IngestFailures({
    count: () => metrics.readingsRejected.labels('FGW_ERR_INGEST_FAILED').inc(),
    log,
    clock: deps.clock,
  })
  const denied = (action: 'publish' | 'subscribe') => (who: string, topic: string) => {
    metrics.aclDenied.labels(action).inc()
    log.debug({ who, topic, action }, 'topic refused by ACL')
  }
  aedes = await Aedes.createBroker({
    // A frozen subscriber must not stall delivery for everybody (aedes docs on `concurrency`).
    drainTimeout: 5_000,
    connectTimeout: deps.hardening.connections.timeouts.mqttConnectMs,
    maxClientsIdLength: 256,
    maxInflightInbound: deps.hardening.mqtt.maxInflightInbound,
    authenticate: createAuthenticate({
      site: deps.site,
      clients,
      clientIds: guards.clientIds,
      sessions: guards.sessions,
      hardening: deps.hardening,
      onRefused: (username) => {
        metrics.authFailed.inc()
        log.debug({ username }, 'mqtt login refused')
      },
    }),
    authorizePublish: createAuthorizePublish({
      clients,
      ingest: deps.ingest,
      limiter,
      replies: new DeviceReplies(publish, deps.clock),
      clock: deps.clock,
      hardening: deps.hardening,
      onOutcome: (_device, outcome) => {
        metrics.countAccepted(outcome.accepted)
        for (const p of outcome.problems) metrics.readingsRejected.labels(p.code).inc()
      },
      onDenied: denied('publish'),
      onFailed: (who, topic, error) => ingestFailures.failed(who, topic, error),
      forwardTelemetry: () => watchers.any,
      ...(deps.durable ? { durable: deps.durable } : {}),
    }),
    authorizeSubscribe: createAuthorizeSubscribe({
      clients,
      topicLimits: deps.hardening.mqtt.topic,
      subscriptions: guards.subscriptions,
      onTooLong: (who, detail) => deps.hardening.reporter.hit('mqtt_topic', who, { detail }),
      onTooMany: (who) => deps.hardening.reporter.hit('mqtt_subscriptions', who),
      onGranted: (client, filter) => watchers.subscribed(client, filter),
      onDenied: denied('subscribe'),
    }),
    authorizeForward: createAuthorizeForward(clients),
  })
  skipDroppedPackets(aedes)
  guards.attach(aedes)
  watchConnections(aedes, deps, clients)
  aedes.on('unsubscribe', (filters: string[], client: Client) => {
    watchers.unsubscribed(client, filters)
    guards.subscriptions.released(client, filters)
  })
  aedes.on('clientDisconnect', (client: Client) => {
    watchers.disconnected(client)
    deps.hardening.mqtt.publishesPerClient.forget(client)
  })
  const broker = aedes
  // Connection caps are applied at TCP accept, before aedes reads a byte (SECURITY.md).
  const gate = new MqttConnectionGate(deps.hardening.connections, deps.hardening.reporter)
  gate.watch(broker)
  const accept = (conn: Socket) => {
    const client = broker.handle(conn)
    guardPacketSize(client, deps.hardening.mqtt.maxPacketBytes, (bytes) =>
      deps.hardening.reporter.hit('mqtt_packet_size', remoteAddressOf(client), { bytes }),
    )
  }
  return {
    aedes: broker,
    publish,
    listen: (port, host) => gate.plain(accept).listen(port, host),
    // A failed handshake (no or untrusted certificate under TLS_CLIENT_CERT=required) only closes that socket.
    listenTls: (port, host, tls) => gate.tls(tls, accept).listen(port, host),
    async close() {
      limiter.close()
      guards.close()
      // aedes first: it disconnects every client; the gate then closes what never logged in.
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await gate.close()
    },
  }
}

/**
 * Refused and unwatched publishes end here, acknowledged but never routed: nobody may subscribe
 * to `$` topics, so routing them would only cost time (and queue under overload).
 */
function skipDroppedPackets(aedes: Aedes): void {
  // aedes calls its own publish as (packet, client, done); the typed API is (packet, done).
  type Done = (error?: Error) => void
  const route = aedes.publish.bind(aedes) as (packet: unknown, client: unknown, done?: Done) => void
  const publish = (packet: { topic: string }, client: unknown, done?: Done): void => {
    if (packet.topic !== DROPPED_TOPIC) {
      route(packet, client, done)
      return
    }
    const callback = typeof client === 'function' ? (client as Done) : done
    callback?.()
  }
  aedes.publish = publish as Aedes['publish']
}

function watchConnections(aedes: Aedes, deps: BrokerDeps, clients: ClientRegistry): void {
  aedes.on('client', (client: Client) => {
    deps.metrics.connections.inc()
    const principal = clients.principalOf(client)
    const previous = principal?.type === 'device' ? clients.connectionOf(principal.device.id) : undefined
    clients.connected(client)
    if (principal?.type !== 'device') return
    const device = principal.device
    // MQTT_DUPLICATE_LOGIN=takeover: the newest connection of a device wins, as with a same-id
    // takeover [MQTT-3.1.4-2]; the old one's Last Will is dropped as stale (handle-publish.ts).
    if (previous && previous !== client && !previous.closed) {
      deps.hardening.reporter.hit('mqtt_duplicate_login', device.id, { policy: 'takeover' })
      previous.close()
    }
    if (client.clean) deps.ingest.sessionStarted(device.id)
    deps.ingest.statusObserved({
      device: device.id,
      building: device.building,
      status: 'online',
      source: 'connection',
      at: deps.clock.now(),
    })
  })
  aedes.on('clientDisconnect', (client: Client) => {
    deps.metrics.connections.dec()
    clients.disconnected(client)
  })
  aedes.on('clientError', (client: Client, err: Error) => {
    deps.log.debug({ clientId: client.id, err: err.message }, 'mqtt client error')
  })
  aedes.on('connectionError', (_client: Client, err: Error) => {
    deps.log.debug({ err: err.message }, 'mqtt connection error')
  })
}
