import type { AedesPublishPacket, Client, Subscription } from 'aedes'
import type { Principal } from '../../../ingest/site/site-model.ts'
import { canSeeBuilding } from '../../../ingest/site/site-model.ts'
import { deviceTopic, parseFeedTopic } from '../../../ingest/topics.ts'
import type { SubscriptionCap } from '../../limits/subscription-cap.ts'
import { type TopicLimitOptions, topicProblem } from '../../limits/topic-limits.ts'
import type { ClientRegistry } from './client-registry.ts'

export interface SubscribeDeps {
  clients: ClientRegistry
  topicLimits: TopicLimitOptions
  /** MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: told of granted filters; unsubscribes release them. */
  subscriptions: SubscriptionCap<Client>
  /** A filter beyond the topic limits: refused (0x80) like an ACL refusal, and reported. */
  onTooLong: (who: string, detail: string) => void
  /** One filter more than the connection may hold: refused (0x80), and reported. */
  onTooMany: (who: string) => void
  /** Told of every granted token subscription. */
  onGranted: (client: Client, filter: string) => void
  onDenied: (who: string, topic: string) => void
}

/**
 * aedes `authorizeSubscribe` (docs/protocol.md, "Logging in"): a device subscribes only to its own
 * error topic; a token to fw/{b}/alerts and fw/{b}/incidents of buildings its role sees, or
 * fw/+/alerts and fw/+/incidents (filtered per message in authorizeForward). brigade and admin may
 * also watch device traffic under fw/ (for recorders and diagnostics). A refusal grants 0x80 and
 * keeps the connection.
 */
export function createAuthorizeSubscribe(deps: SubscribeDeps) {
  return (
    client: Client,
    sub: Subscription,
    callback: (error: Error | null, subscription?: Subscription | null) => void,
  ): void => {
    const principal = deps.clients.principalOf(client)
    const tooLong = topicProblem(sub.topic, deps.topicLimits)
    if (tooLong) {
      deps.onTooLong(principalName(principal), tooLong.detail)
      callback(null, null)
      return
    }
    if (!principal || !maySubscribe(principal, sub.topic)) {
      deps.onDenied(principalName(principal), sub.topic)
      callback(null, null)
      return
    }
    if (!deps.subscriptions.admit(client, sub.topic)) {
      deps.onTooMany(principalName(principal))
      callback(null, null)
      return
    }
    if (principal.type === 'token') deps.onGranted(client, sub.topic)
    callback(null, sub)
  }
}

/**
 * aedes `authorizeForward`, for every message to every client, also for the messages queued for
 * a persistent session when its client comes back: what the client's own login may receive now,
 * whatever subscription the message came by (managers on fw/+/alerts get only their buildings').
 */
export function createAuthorizeForward(clients: ClientRegistry) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null =>
    mayReceive(clients.principalOf(client), packet.topic) ? packet : null
}

/** The subscribe ACL (maySubscribe) applied to one message's topic. */
export function mayReceive(principal: Principal | undefined, topic: string): boolean {
  if (!principal) return false
  if (principal.type === 'device') {
    const d = principal.device
    return topic === deviceTopic(d.building, d.id, 'error')
  }
  const building = parseFeedTopic(topic)
  if (building !== null) return building !== '+' && canSeeBuilding(principal, building)
  return principal.role !== 'manager' && topic.startsWith('fw/')
}

function maySubscribe(principal: Principal, topic: string): boolean {
  if (principal.type === 'device') {
    const d = principal.device
    return topic === deviceTopic(d.building, d.id, 'error')
  }
  const building = parseFeedTopic(topic)
  if (building === '+') return true
  if (building !== null) return canSeeBuilding(principal, building)
  return principal.role !== 'manager' && (topic === 'fw/#' || topic.startsWith('fw/'))
}

function principalName(principal: Principal | undefined): string {
  if (!principal) return 'unknown'
  return principal.type === 'device' ? principal.device.id : principal.name
}
