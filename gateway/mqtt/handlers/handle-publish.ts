import type { Client, PublishPacket } from 'aedes'
import type { Problem } from '../../../ingest/decoder.ts'
import type { IngestOutcome, IngestPipeline } from '../../../ingest/ingest-pipeline.ts'
import type { Device } from '../../../ingest/site/site-schema.ts'
import { type DeviceTopicKind, parseDeviceTopic } from '../../../ingest/topics.ts'
import type { DurableHandoff } from '../../cluster/stream-ingest.ts'
import type { DeviceMessageRefusal } from '../../limits/device-message-limits.ts'
import type { Hardening } from '../../limits/hardening.ts'
import { admitPublish } from '../../limits/publish-admission.ts'
import { shortTopic } from '../../limits/topic-limits.ts'
import type { ClientRegistry } from './client-registry.ts'
import type { DeviceReplies } from './device-replies.ts'
import type { IngressLimiter } from './ingress-limiter.ts'

/** Where refused publishes go: no client may subscribe to `$` topics, so nobody receives them. */
export const DROPPED_TOPIC = '$firewatch/dropped'

export interface PublishDeps {
  clients: ClientRegistry
  ingest: IngestPipeline
  limiter: IngressLimiter
  replies: DeviceReplies
  clock: { now(): number }
  hardening: Hardening
  onOutcome: (device: Device, outcome: IngestOutcome) => void
  onDenied: (who: string, topic: string) => void
  /** The ingest path threw on one message: it is dropped and answered, nothing else stops. */
  onFailed: (who: string, topic: string, error: unknown) => void
  /** False while no client subscribes to device traffic: accepted telemetry then stops here. */
  forwardTelemetry: () => boolean
  /**
   * Cluster mode: what was accepted goes to the replicated stream, and the PUBACK waits for the
   * stream's acknowledgement (docs/cluster.md). Unset in embedded mode.
   */
  durable?: DurableHandoff
}

/**
 * aedes `authorizePublish`. Ingest happens here, before aedes writes the QoS 1 PUBACK (aedes 1.x
 * acknowledges before broker.publish), so no PUBACK reaches a device before its reading is queued.
 * Refused publishes are acknowledged and dropped: MQTT 3.1.1 can only refuse by disconnecting,
 * and the device's connection stays up (docs/protocol.md, "Topics").
 */
export function createAuthorizePublish(deps: PublishDeps) {
  return (client: Client | null, packet: PublishPacket, callback: (error?: Error | null) => void): void => {
    guarded(deps, null, packet, callback, (done) => authorize(deps, client, packet, done))
  }
}

type Callback = (error?: Error | null) => void

/**
 * Runs one step of a message's way in, now or later (held by a rate, deferred to a later turn).
 * A throw anywhere in it drops that message, answers the device and counts it: one message must
 * never take the process, and with it every building, down (SECURITY.md, "Denial of service").
 */
function guarded(
  deps: PublishDeps,
  device: Device | null,
  packet: PublishPacket,
  callback: Callback,
  step: (done: Callback) => void,
): void {
  let answered = false
  const done: Callback = (error) => {
    answered = true
    callback(error)
  }
  try {
    step(done)
  } catch (error) {
    const topic = shortTopic(packet.topic)
    deps.onFailed(device?.id ?? 'unknown', topic, error)
    if (answered) return
    drop(packet)
    done(null)
    if (device) deps.replies.rejected(device, topic, [failedProblem()])
  }
}

function authorize(
  deps: PublishDeps,
  client: Client | null,
  packet: PublishPacket,
  callback: Callback,
): void {
  const principal = deps.clients.principalOf(client)
  if (principal?.type !== 'device') {
    // Tokens never publish; `null` clients are cluster wills, which Firewatch does not use.
    deps.onDenied(principal?.type === 'token' ? principal.name : 'unknown', packet.topic)
    drop(packet)
    callback(null)
    return
  }
  const device = principal.device
  guarded(deps, device, packet, callback, (done) => admit(deps, client!, device, packet, done))
}

/** The per-publish limits: refused, held for a while (slowed down), or on at once. */
function admit(
  deps: PublishDeps,
  client: Client,
  device: Device,
  packet: PublishPacket,
  callback: Callback,
): void {
  const admission = admitPublish(deps.hardening, client, device.id, packet.topic)
  if ('refused' in admission) {
    deps.replies.rejected(device, shortTopic(packet.topic), [admission.refused])
    drop(packet)
    callback(null)
    return
  }
  if (admission.slowed) deps.replies.rejected(device, shortTopic(packet.topic), [admission.slowed])
  if (admission.waitMs > 0) {
    deps.limiter.hold(admission.waitMs, () =>
      guarded(deps, device, packet, callback, (done) =>
        authorizeAdmitted(deps, client, device, packet, done),
      ),
    )
    return
  }
  authorizeAdmitted(deps, client, device, packet, callback)
}

/** The rest of authorizePublish, once the publish rates let the message in. */
function authorizeAdmitted(
  deps: PublishDeps,
  client: Client,
  device: Device,
  packet: PublishPacket,
  callback: Callback,
): void {
  const topic = parseDeviceTopic(packet.topic)
  // [FIRE-ACL-1] A device publishes only under its own fw/{b}/{d}/, and never on its error topic.
  if (!topic || topic.device !== device.id || topic.building !== device.building || topic.kind === 'error') {
    deps.onDenied(device.id, packet.topic)
    deps.replies.rejected(device, packet.topic, [forbidden(packet.topic, topic === null)])
    drop(packet)
    callback(null)
    return
  }
  if (topic.kind === 'status' && isStaleWill(deps, client, device, packet)) {
    drop(packet)
    callback(null)
    return
  }
  const overBudget = deviceMessageRefusal(deps.hardening, client, device, topic.kind, packet)
  if (overBudget) {
    deps.hardening.reporter.hit(overBudget.limit, device.id)
    deps.replies.rejected(device, packet.topic, [overBudget.problem])
    drop(packet)
    callback(null)
    return
  }
  // Events and status are never held back: a fire_alarm must not wait behind telemetry.
  if (topic.kind === 'telemetry' && !deps.limiter.tryTake()) {
    deps.limiter.enqueue(() =>
      guarded(deps, device, packet, callback, (done) => ingest(deps, device, topic.kind, packet, done)),
    )
    return
  }
  ingest(deps, device, topic.kind, packet, callback)
}

function ingest(
  deps: PublishDeps,
  device: Device,
  kind: DeviceTopicKind,
  packet: PublishPacket,
  callback: Callback,
): void {
  const payload = packet.payload as Buffer
  const outcome = deps.ingest.handle(device, kind, payload, deps.clock.now())
  deps.onOutcome(device, outcome)
  if (outcome.problems.length > 0) deps.replies.rejected(device, packet.topic, outcome.problems)
  if (outcome.accepted === 0 || (kind === 'telemetry' && !deps.forwardTelemetry())) drop(packet)
  if (!deps.durable || outcome.accepted === 0) {
    callback(null)
    return
  }
  // An error closes the device's connection without a PUBACK (MQTT 3.1.1 has no refusal code for
  // a publish): the device sends the message again, to this node or another one.
  deps.durable.store(device, kind, payload).then(
    () => callback(null),
    (error: unknown) => callback(new Error(`not stored in the stream: ${(error as Error).message}`)),
  )
}

/** A Last Will of a connection that a newer connection of the same device already replaced. */
function isStaleWill(deps: PublishDeps, client: Client, device: Device, packet: PublishPacket): boolean {
  return deps.clients.hasNewerConnection(device.id, client) && String(packet.payload).includes('offline')
}

/**
 * Events and status messages over the device's budget (DeviceMessageLimits). A Last Will is the
 * broker's report of a lost connection, once per connection: it never counts.
 */
function deviceMessageRefusal(
  hardening: Hardening,
  client: Client,
  device: Device,
  kind: DeviceTopicKind,
  packet: PublishPacket,
): DeviceMessageRefusal | null {
  const limits = hardening.mqtt.deviceMessages
  if (kind === 'event') return limits.event(device.id, packet.payload as Buffer)
  if (kind !== 'status' || (client as { will?: unknown }).will === packet) return null
  return limits.status(device.id)
}

/** The payload goes at once: aedes may keep the packet a while (a QoS 2 id awaiting PUBREL). */
function drop(packet: PublishPacket): void {
  packet.topic = DROPPED_TOPIC
  packet.retain = false
  packet.payload = EMPTY
}

const EMPTY = Buffer.alloc(0)

function failedProblem(): Problem {
  return { code: 'FGW_ERR_INGEST_FAILED', detail: 'the gateway failed on this message; it was dropped' }
}

function forbidden(topic: string, unknown: boolean): Problem {
  return unknown
    ? {
        code: 'FGW_ERR_TOPIC_UNKNOWN',
        detail: `${topic} is not fw/{building}/{device}/telemetry|event|status`,
      }
    : {
        code: 'FGW_ERR_TOPIC_FORBIDDEN',
        detail: `a device publishes only under its own fw/{building}/{device}/`,
      }
}
