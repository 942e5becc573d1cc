import type { Client } from 'aedes'
import type { Problem } from '../../ingest/decoder.ts'
import type { Hardening } from './hardening.ts'
import { topicProblem } from './topic-limits.ts'

/**
 * The per-publish limits, checked before the ACL and the decoder spend anything on the message:
 * topic size, then the client's and its address's publish rates. A refused publish is answered on
 * the device's error topic by the caller, counted and logged once here.
 */
export function admitPublish(
  hardening: Hardening,
  client: Client,
  who: string,
  topic: string,
): Problem | null {
  const { mqtt, reporter } = hardening
  const tooBig = topicProblem(topic, mqtt.topic)
  if (tooBig) {
    reporter.hit('mqtt_topic', who, { detail: tooBig.detail })
    return tooBig
  }
  if (!mqtt.publishesPerClient.take(client)) {
    reporter.hit('mqtt_publish_rate_client', who)
    return { code: 'FGW_ERR_LIMIT_PUBLISH_RATE', detail: 'too many publishes per second from this client' }
  }
  const address = remoteAddressOf(client)
  if (!mqtt.publishesPerAddress.take(address)) {
    reporter.hit('mqtt_publish_rate_address', address)
    return { code: 'FGW_ERR_LIMIT_PUBLISH_RATE', detail: 'too many publishes per second from this address' }
  }
  return null
}

export function remoteAddressOf(client: Client): string {
  return (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown'
}
