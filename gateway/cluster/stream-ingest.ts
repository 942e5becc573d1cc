import type { JetStreamClient } from '@nats-io/jetstream'
import type { IngestSink } from '../../ingest/ingest-pipeline.ts'
import type { Device } from '../../ingest/site/site-schema.ts'
import type { DeviceTopicKind } from '../../ingest/topics.ts'
import { partitionOf, telemetrySubject } from './partition.ts'
import { encodeBody, messageIdOf, type StreamBody } from './stream-message.ts'

/** What handle-publish.ts awaits before the device gets its PUBACK (cluster mode). */
export interface DurableHandoff {
  /**
   * Stores what the ingest pipeline just accepted from this message; resolves once the stream
   * acknowledged it. Rejects when it did not: the publish is then refused, the device resends.
   */
  store(device: Device, kind: DeviceTopicKind, payload: Buffer): Promise<void>
}

export interface StreamIngestDeps {
  js: JetStreamClient
  partitions: number
  /** How long one publish waits for the stream's acknowledgement. */
  publishTimeoutMs: number
  onRefused: (device: string, error: unknown) => void
  /** The decoder saw this seq: forgetting it lets the device's resend of a refused message in. */
  forgetSeq: (device: string, seq: number) => void
}

/**
 * The gateway node's ingest sink and its hand-off to JetStream. The pipeline's fan-out is
 * synchronous, so what the sink caught since the last `store` is exactly the message being
 * handled. Broker connect and disconnect statuses do not go to the stream yet (docs/cluster.md).
 */
export class StreamIngest implements DurableHandoff {
  private caught: StreamBody | null = null

  constructor(private readonly deps: StreamIngestDeps) {}

  readonly sink: IngestSink = {
    readingsAccepted: (readings) => {
      this.caught = { kind: 'readings', readings: [...readings] }
    },
    eventAccepted: (event) => {
      this.caught = { kind: 'event', event }
    },
    statusChanged: (status) => {
      if (status.source === 'status-topic') this.caught = { kind: 'status', status }
    },
  }

  async store(device: Device, kind: DeviceTopicKind, payload: Buffer): Promise<void> {
    const body = this.caught
    this.caught = null
    if (body === null) return
    const seq = body.kind === 'readings' ? (body.readings[0]?.seq ?? null) : null
    const msgID = messageIdOf(device.id, kind, payload, seq)
    const subject = telemetrySubject(
      partitionOf(device.building, this.deps.partitions),
      device.building,
      device.id,
    )
    try {
      await this.deps.js.publish(subject, encodeBody(body), { msgID, timeout: this.deps.publishTimeoutMs })
    } catch (error) {
      if (seq !== null) this.deps.forgetSeq(device.id, seq)
      this.deps.onRefused(device.id, error)
      throw error
    }
  }
}
