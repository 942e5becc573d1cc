import type { Client } from 'aedes'
import type { Problem } from '../../ingest/decoder.ts'
import type { Hardening } from './hardening.ts'
import { topicProblem } from './topic-limits.ts'

/**
 * A publisher over its rate is slowed, not refused: its publish waits until its budget allows it
 * (the callback of aedes' authorizePublish is held, so aedes stops reading that socket and TCP
 * pushes back), unless it would wait longer than this; only then is it dropped.
 */
export const MAX_PUBLISH_WAIT_MS = 10_000

/** What the per-publish limits say of one message. */
export type Admission =
  | { refused: Problem }
  /** Go on after `waitMs` (0: at once); `slowed`: why it waits, for the device's error topic. */
  | { waitMs: number; slowed: Problem | null }

/**
 * The per-publish limits, checked before the ACL and the decoder spend anything on the message:
 * topic size, then the client's and its address's publish rates. Events and status messages are
 * counted against the rates but never held back: a fire_alarm must not wait behind telemetry.
 * Hits are counted and logged once here; the caller tells the device on its error topic.
 */
export function admitPublish(hardening: Hardening, client: Client, who: string, topic: string): Admission {
  const { mqtt, reporter } = hardening
  const tooBig = topicProblem(topic, mqtt.topic)
  if (tooBig) {
    reporter.hit('mqtt_topic', who, { detail: tooBig.detail })
    return { refused: tooBig }
  }
  const address = remoteAddressOf(client)
  if (topic.endsWith('/event') || topic.endsWith('/status')) {
    // Spends a token when there is one, never books one ahead: a flood of these can neither wait
    // nor run the buckets into a debt that would hold back the device's (or address's) telemetry.
    mqtt.publishesPerClient.take(client)
    mqtt.publishesPerAddress.take(address)
    return { waitMs: 0, slowed: null }
  }
  const byClient = mqtt.publishesPerClient.reserve(client, MAX_PUBLISH_WAIT_MS)
  if (byClient === null) {
    reporter.hit('mqtt_publish_rate_client', who)
    return { refused: rateProblem('client', 'dropped') }
  }
  const byAddress = mqtt.publishesPerAddress.reserve(address, MAX_PUBLISH_WAIT_MS)
  if (byAddress === null) {
    reporter.hit('mqtt_publish_rate_address', address)
    return { refused: rateProblem('address', 'dropped') }
  }
  if (byClient > 0) reporter.hit('mqtt_publish_rate_client', who)
  if (byAddress > 0) reporter.hit('mqtt_publish_rate_address', address)
  const waitMs = Math.max(byClient, byAddress)
  if (waitMs === 0) return { waitMs, slowed: null }
  return { waitMs, slowed: rateProblem(byClient >= byAddress ? 'client' : 'address', 'slowed down') }
}

function rateProblem(from: 'client' | 'address', outcome: 'slowed down' | 'dropped'): Problem {
  return {
    // Two codes: the device replies are budgeted per code, and a drop must not go untold because
    // the notices of being slowed used the budget up.
    code: outcome === 'dropped' ? 'FGW_ERR_LIMIT_PUBLISH_RATE' : 'FGW_ERR_LIMIT_PUBLISH_SLOWED',
    detail: `too many publishes per second from this ${from}: ${outcome}`,
  }
}

export function remoteAddressOf(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown'
}
