import type { Aedes, Client } from 'aedes'
import { Gauge, type Registry } from 'prom-client'
import type { SiteModel } from '../../../ingest/site/site-model.ts'
import type { Hardening } from '../../limits/hardening.ts'
import { SessionStore } from '../../limits/session-store.ts'
import { SubscriptionCap } from '../../limits/subscription-cap.ts'
import { ClientIdRule, loginName } from './client-id-rule.ts'
import type { ClientRegistry } from './client-registry.ts'
import { mayReceive } from './handle-subscribe.ts'
import { PersistentSessions } from './persistent-sessions.ts'

/** How often parked sessions and queued messages past their age are ended without a login to notice. */
const SWEEP_MS = 30_000

/** What aedes says when a connection goes over maxInflightInbound (aedes 1.2 lib/handlers/publish.js). */
const INFLIGHT_EXCEEDED = 'maxInflightInbound exceeded'

export interface SessionGuardDeps {
  site: SiteModel
  clients: ClientRegistry
  hardening: Hardening
  clock: { now(): number }
  registry: Registry
}

/**
 * Who may use which client id, the persistent sessions and what they keep, and the subscription
 * cap: the state an MQTT client can make the gateway hold for it (README "Limits"). Built before
 * the broker (its login and subscribe checks use it), attached to it once aedes is up.
 */
export function createSessionGuards(deps: SessionGuardDeps) {
  const { store, sessions, usePersistence } = sessionState(deps)
  const sweepNow = () => {
    sessions.expire()
    store.sweep()
  }
  registerGauges(deps.registry, sessions, store, sweepNow)
  let sweep: NodeJS.Timeout | null = null
  return {
    clientIds: new ClientIdRule(deps.site, (clientId) => sessions.ownerOf(clientId)),
    sessions,
    subscriptions: new SubscriptionCap<Client>(deps.hardening.mqtt.maxSubscriptionsPerClient),
    attach(aedes: Aedes): void {
      usePersistence((aedes as unknown as { persistence: Persistence }).persistence)
      reportInflightRefusals(aedes, deps)
      sweep = setInterval(sweepNow, SWEEP_MS)
      sweep.unref()
    },
    close(): void {
      if (sweep) clearInterval(sweep)
    },
  }
}
export type SessionGuards = ReturnType<typeof createSessionGuards>

/** The part of aedes' persistence an ended session's subscriptions are removed from. */
interface Persistence {
  cleanSubscriptions(client: { id: string }): Promise<unknown>
}

/** The sessions and their store; aedes' persistence is bound once the broker has made it. */
function sessionState(deps: SessionGuardDeps) {
  const { reporter, mqtt } = deps.hardening
  let persistence: Persistence | null = null
  const store = new SessionStore({
    maxQueued: mqtt.sessions.maxQueued,
    maxQueueAgeMs: mqtt.sessions.maxQueueAgeMs,
    maxInflightInbound: mqtt.maxInflightInbound,
    clock: deps.clock,
    mayQueue: (clientId, topic) => mayReceive(sessions.principalOf(clientId), topic),
    onQueueDropped: (clientId, reason) => reporter.hit('mqtt_session_queue', clientId, { reason }),
  })
  const sessions = new PersistentSessions({
    ...mqtt.sessions,
    clock: deps.clock,
    async wipe(clientId) {
      store.forget(clientId)
      await persistence?.cleanSubscriptions({ id: clientId })
    },
    onEnded: (clientId, reason) =>
      reporter.hit(reason === 'expired' ? 'mqtt_session_expired' : 'mqtt_session_evicted', clientId),
  })
  return {
    store,
    sessions,
    usePersistence(own: Persistence): void {
      store.install(own)
      persistence = own
    },
  }
}

/** aedes closes a connection over maxInflightInbound itself; this counts and logs it. */
function reportInflightRefusals(aedes: Aedes, deps: SessionGuardDeps): void {
  aedes.on('clientError', (client: Client, err: Error) => {
    if (!err.message.startsWith(INFLIGHT_EXCEEDED)) return
    const principal = deps.clients.principalOf(client)
    deps.hardening.reporter.hit('mqtt_inflight_inbound', principal ? loginName(principal) : client.id)
  })
}

/** Read at scrape time, after ending what is past its age: the figures are never stale. */
function registerGauges(
  registry: Registry,
  sessions: PersistentSessions,
  store: SessionStore,
  sweep: () => void,
): void {
  new Gauge({
    name: 'firewatch_mqtt_persistent_sessions',
    help: 'Persistent (clean=false) MQTT sessions, by state: connected, or parked (client gone)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      sweep()
      this.labels('connected').set(sessions.connectedCount)
      this.labels('parked').set(sessions.parkedCount)
    },
  })
  new Gauge({
    name: 'firewatch_mqtt_session_queued_messages',
    help: 'Messages queued for persistent sessions, not yet acknowledged by their clients',
    registers: [registry],
    collect() {
      sweep()
      this.set(store.queuedMessages)
    },
  })
  new Gauge({
    name: 'firewatch_mqtt_inbound_awaiting_pubrel',
    help: 'Inbound QoS 2 publishes awaiting PUBREL, in all sessions (only their ids are kept)',
    registers: [registry],
    collect() {
      this.set(store.inboundAwaitingRelease)
    },
  })
}
