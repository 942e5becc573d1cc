import type { Logger } from 'pino'
import type { Alert } from '../alerting/alert.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import type { Channel, ChannelKind } from '../alerting/notify/channel.ts'
import { createChannels, vapidPublicKey } from '../alerting/notify/channels/index.ts'
import { createNotifier, type Notifier } from '../alerting/notify/notifier.ts'
import type { PushSubscriptions } from '../alerting/notify/push-subscriptions.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { GatewayEnv } from './config.ts'
import type { AckLinkService } from './http/ack-link-routes.ts'
import type { PushService } from './http/push-routes.ts'
import type { GatewayMetrics } from './metrics.ts'

export interface NotifyWiringDeps {
  store: AlertStore
  site: SiteModel
  clock: { now(): number }
  log: Logger
  metrics: GatewayMetrics
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  /** Escalation pace per building (the heightened watch of gateway/schedule-wiring.ts). */
  pace?: (building: string) => number
}

export interface Notifications {
  notifier: Notifier
  /** The configured channels, also used by the scheduled work (patrol checks, reports). */
  channels: ReadonlyMap<ChannelKind, Channel>
  /** For createHttpApp: the link pages and the push subscription API. */
  http: { ackLinks: AckLinkService; push: PushService }
  /** Starts the dispatch loop and the escalation timer once HTTP listens (links name its port). */
  start(httpPort: number): void
}

/** Channels (alerting/notify/channels), outbox, escalation and links, wired to the gateway's parts. */
export function createNotifications(env: GatewayEnv, deps: NotifyWiringDeps): Notifications {
  let httpPort = env.HTTP_PORT
  const channels = createChannels(env, {
    dataDir: env.DATA_DIR,
    clock: deps.clock,
    log: deps.log.child({ module: 'channels' }),
  })
  const notifier = createNotifier({
    store: deps.store,
    site: deps.site,
    channels,
    clock: deps.clock,
    log: deps.log.child({ module: 'notify' }),
    metrics: deps.metrics.notify.notify,
    dataDir: env.DATA_DIR,
    publicUrl: () => env.PUBLIC_URL ?? `http://localhost:${httpPort}`,
    acknowledge: deps.acknowledge,
    ...(deps.pace ? { pace: deps.pace } : {}),
  })
  deps.metrics.notify.countPendingFrom(() => notifier.outbox.pendingCount())
  const push = pushService(notifier.pushSubscriptions, channels.has('push'), env.DATA_DIR)
  return {
    notifier,
    channels,
    http: { ackLinks: notifier.ackLinks, push },
    start(port) {
      httpPort = port
      notifier.start()
    },
  }
}

function pushService(subs: PushSubscriptions, enabled: boolean, dataDir: string): PushService {
  return {
    add: (contact, sub, by, at) => subs.add(contact, sub, by, at),
    get: (id) => subs.get(id),
    byEndpoint: (endpoint) => subs.byEndpoint(endpoint),
    remove: (id) => subs.remove(id),
    // The push channel generated and keeps the pair in DATA_DIR (channels/vapid-keys.ts).
    vapidPublicKey: () => (enabled ? vapidPublicKey(dataDir) : null),
  }
}
