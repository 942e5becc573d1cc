import { Readable } from 'node:stream'

/** A packet as aedes queues it (aedes-packet): brokerId + brokerCounter identify it until it has a messageId. */
export interface QueuedPacket {
  cmd: string
  brokerId?: string
  brokerCounter?: number
  topic?: string
  payload?: Buffer | string
  qos?: number
  retain?: boolean
  dup?: boolean
  messageId?: number
}

interface Queued {
  packet: QueuedPacket
  at: number
}

type ClientRef = { id: string }
type Sub = { clientId: string }

/** The methods of aedes' persistence (aedes-persistence 11, the in-memory one) that this store replaces. */
const REPLACED = [
  'outgoingEnqueue',
  'outgoingEnqueueCombi',
  'outgoingUpdate',
  'outgoingClearMessageId',
  'outgoingStream',
  'incomingStorePacket',
  'incomingGetPacket',
  'incomingDelPacket',
  'cleanIncoming',
] as const

export interface SessionStoreOptions {
  /** MQTT_SESSION_MAX_QUEUED: beyond it the oldest queued message of the session is dropped. */
  maxQueued: number
  /** MQTT_SESSION_QUEUE_MAX_AGE_SEC, in ms. */
  maxQueueAgeMs: number
  /** MQTT_MAX_INFLIGHT_INBOUND, per session (aedes bounds each connection to it). */
  maxInflightInbound: number
  clock: { now(): number }
  /** May the login that owns this session receive a message on this topic? Nothing else is queued. */
  mayQueue(clientId: string, topic: string): boolean
  onQueueDropped(clientId: string, reason: 'full' | 'expired'): void
}

/**
 * The session state aedes keeps per client id, bounded (SECURITY.md "Denial of service"). aedes'
 * in-memory persistence keeps a persistent session's offline queue without limit or age, and a
 * QoS 2 publish awaiting PUBREL with its whole payload, even after the client left. This store
 * takes over those methods of the persistence instance: queues hold at most `maxQueued` messages
 * no older than `maxQueueAgeMs`, only of topics the session's login may receive; an inbound QoS 2
 * message is remembered by its id alone (aedes routes it on receipt and only asks, at PUBREL or a
 * resend, whether the id is known). Tested in tests/security/mqtt-sessions.test.ts, so an aedes
 * upgrade that changes these calls fails there.
 */
export class SessionStore {
  private readonly outgoing = new Map<string, Queued[]>()
  private readonly incoming = new Map<string, Set<number>>()

  constructor(private readonly opts: SessionStoreOptions) {}

  install(persistence: object): void {
    const target = persistence as Record<string, unknown>
    for (const name of REPLACED) {
      if (typeof target[name] !== 'function') {
        throw new Error(`aedes persistence changed: ${name} is gone (gateway/limits/session-store.ts)`)
      }
    }
    Object.assign(target, {
      outgoingEnqueue: async (sub: Sub, packet: QueuedPacket) => this.enqueue(sub.clientId, packet),
      outgoingEnqueueCombi: async (subs: Sub[], packet: QueuedPacket) => {
        for (const sub of subs) this.enqueue(sub.clientId, packet)
      },
      outgoingUpdate: async (client: ClientRef, packet: QueuedPacket) => this.update(client.id, packet),
      outgoingClearMessageId: async (client: ClientRef, packet: QueuedPacket) =>
        this.clear(client.id, packet),
      outgoingStream: (client: ClientRef) => Readable.from(this.queueOf(client.id).map((q) => q.packet)),
      incomingStorePacket: async (client: ClientRef, packet: QueuedPacket) =>
        this.remember(client.id, packet),
      incomingGetPacket: async (client: ClientRef, packet: QueuedPacket) => this.recall(client.id, packet),
      incomingDelPacket: async (client: ClientRef, packet: QueuedPacket) => this.release(client.id, packet),
      cleanIncoming: async (client: ClientRef) => {
        this.incoming.delete(client.id)
      },
    })
  }

  /** Everything kept for a client id: its session ended. */
  forget(clientId: string): void {
    this.outgoing.delete(clientId)
    this.incoming.delete(clientId)
  }

  /** Drops the queued messages that are too old, in every session. */
  sweep(): void {
    for (const id of [...this.outgoing.keys()]) this.queueOf(id)
  }

  get queuedMessages(): number {
    let n = 0
    for (const q of this.outgoing.values()) n += q.length
    return n
  }

  get inboundAwaitingRelease(): number {
    let n = 0
    for (const ids of this.incoming.values()) n += ids.size
    return n
  }

  private enqueue(clientId: string, packet: QueuedPacket): void {
    if (!this.opts.mayQueue(clientId, packet.topic ?? '')) return
    const queue = this.queueOf(clientId)
    if (queue.length === 0) this.outgoing.set(clientId, queue)
    // The oldest goes: a connected client may still PUBACK it, which then finds nothing (harmless),
    // whereas refusing the newest would fail aedes' delivery of it and close the client.
    while (queue.length >= this.opts.maxQueued) {
      queue.shift()
      this.opts.onQueueDropped(clientId, 'full')
    }
    queue.push({ packet: copyOf(packet), at: this.opts.clock.now() })
  }

  /** As aedes-persistence: a delivery gives the queued packet its messageId; a PUBREL replaces it. */
  private update(clientId: string, packet: QueuedPacket): void {
    for (const queued of this.outgoing.get(clientId) ?? []) {
      const stored = queued.packet
      if (stored.brokerId === packet.brokerId) {
        if (stored.brokerCounter === packet.brokerCounter) {
          stored.messageId = packet.messageId
          return
        }
      } else if (stored.messageId === packet.messageId) {
        queued.packet = packet
        return
      }
    }
    throw new Error('no such packet')
  }

  private clear(clientId: string, packet: QueuedPacket): QueuedPacket | undefined {
    const queue = this.outgoing.get(clientId)
    if (!queue) return undefined
    const index = queue.findIndex((q) => q.packet.messageId === packet.messageId)
    if (index < 0) return undefined
    const [removed] = queue.splice(index, 1)
    if (queue.length === 0) this.outgoing.delete(clientId)
    return removed?.packet
  }

  /** The session's queue without its expired messages (which are dropped); [] when it has none. */
  private queueOf(clientId: string): Queued[] {
    const queue = this.outgoing.get(clientId)
    if (!queue) return []
    const oldest = this.opts.clock.now() - this.opts.maxQueueAgeMs
    let expired = 0
    while (expired < queue.length && queue[expired]!.at <= oldest) expired++
    if (expired > 0) {
      queue.splice(0, expired)
      for (let i = 0; i < expired; i++) this.opts.onQueueDropped(clientId, 'expired')
    }
    if (queue.length === 0) this.outgoing.delete(clientId)
    return queue
  }

  /**
   * An inbound QoS 2 message awaiting PUBREL: its id only. aedes bounds each connection; a
   * persistent session collects ids across reconnects, so it is bounded here too (oldest first:
   * a late PUBREL for a forgotten id still gets its PUBCOMP).
   */
  private remember(clientId: string, packet: QueuedPacket): void {
    let ids = this.incoming.get(clientId)
    if (!ids) {
      ids = new Set()
      this.incoming.set(clientId, ids)
    }
    const id = packet.messageId ?? 0
    if (!ids.has(id) && ids.size >= this.opts.maxInflightInbound) {
      const oldest = ids.values().next()
      if (!oldest.done) ids.delete(oldest.value)
    }
    ids.add(id)
  }

  private recall(clientId: string, packet: QueuedPacket): QueuedPacket {
    const id = packet.messageId ?? 0
    if (!this.incoming.get(clientId)?.has(id)) throw new Error('no such packet')
    return { cmd: 'publish', messageId: id, qos: 2 }
  }

  private release(clientId: string, packet: QueuedPacket): void {
    const ids = this.incoming.get(clientId)
    if (!ids?.delete(packet.messageId ?? 0)) throw new Error('no such packet')
    if (ids.size === 0) this.incoming.delete(clientId)
  }
}

/** One session's copy of a routed packet (as aedes-packet copies it): deliveries set its messageId. */
function copyOf(p: QueuedPacket): QueuedPacket {
  return {
    cmd: p.cmd || 'publish',
    brokerId: p.brokerId,
    brokerCounter: p.brokerCounter,
    topic: p.topic,
    payload: p.payload ?? Buffer.alloc(0),
    qos: p.qos ?? 0,
    retain: p.retain ?? false,
    dup: p.dup ?? false,
    messageId: undefined,
  }
}
