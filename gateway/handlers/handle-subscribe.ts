import type { AedesPublishPacket, Client, Subscription } from 'aedes'
import type { Principal } from '../../ingest/site-model.ts'
import { canSeeBuilding } from '../../ingest/site-model.ts'
import { deviceTopic, parseAlertsTopic } from '../../ingest/topics.ts'
import { type TopicLimitOptions, topicProblem } from '../limits/topic-limits.ts'
import type { ClientRegistry } from './client-registry.ts'

export interface SubscribeDeps {
  clients: ClientRegistry
  topicLimits: TopicLimitOptions
  /** A filter beyond the topic limits: refused (0x80) like an ACL refusal, and reported. */
  onTooLong: (who: string, detail: string) => void
  /** Told of every granted token subscription. */
  onGranted: (client: Client, filter: string) => void
  onDenied: (who: string, topic: string) => void
}

/**
 * aedes `authorizeSubscribe` (CONTRACT.md MQTT): a device subscribes only to its own error
 * topic; a token to fw/{b}/alerts of buildings its role sees, or fw/+/alerts (filtered per
 * message in authorizeForward). brigade and admin may also watch device traffic under fw/ (for
 * recorders and diagnostics). A refusal grants 0x80 and keeps the connection.
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
    if (principal && maySubscribe(principal, sub.topic)) {
      if (principal.type === 'token') deps.onGranted(client, sub.topic)
      callback(null, sub)
      return
    }
    deps.onDenied(principalName(principal), sub.topic)
    callback(null, null)
  }
}

/** aedes `authorizeForward`: managers on fw/+/alerts receive only their own buildings' alerts. */
export function createAuthorizeForward(clients: ClientRegistry) {
  return (client: Client, packet: AedesPublishPacket): AedesPublishPacket | null => {
    const principal = clients.principalOf(client)
    if (principal?.type !== 'token' || principal.buildings === null) return packet
    const building = parseAlertsTopic(packet.topic)
    return building !== null && building !== '+' && principal.buildings.has(building) ? packet : null
  }
}

function maySubscribe(principal: Principal, topic: string): boolean {
  if (principal.type === 'device') {
    const d = principal.device
    return topic === deviceTopic(d.building, d.id, 'error')
  }
  const building = parseAlertsTopic(topic)
  if (building === '+') return true
  if (building !== null) return canSeeBuilding(principal, building)
  return principal.role !== 'manager' && (topic === 'fw/#' || topic.startsWith('fw/'))
}

function principalName(principal: Principal | undefined): string {
  if (!principal) return 'unknown'
  return principal.type === 'device' ? principal.device.id : principal.name
}
