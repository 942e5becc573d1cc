import type { Decoded, Decoder, Problem } from './decoder.ts'
import type { DeviceEvent, DeviceStatus, Reading } from './reading.ts'
import type { Device } from './site-schema.ts'
import type { DeviceTopicKind } from './topics.ts'

/** Where accepted data goes next (rule engine, live table, storage). Wired in gateway/gateway.ts. */
export interface IngestSink {
  readingsAccepted?(readings: readonly Reading[]): void
  eventAccepted?(event: DeviceEvent): void
  statusChanged?(status: DeviceStatus): void
}

export interface IngestOutcome {
  accepted: number
  problems: Problem[]
}

export interface SinkFailure {
  sink: number
  error: unknown
}

/**
 * Decodes one device message and hands what is valid to every sink. A failing sink never
 * stops the others (docs/architecture.md, "Errors stop at boundaries").
 */
export class IngestPipeline {
  constructor(
    private readonly decoder: Decoder,
    private readonly sinks: readonly IngestSink[],
    private readonly onSinkFailure: (failure: SinkFailure) => void,
  ) {}

  handle(device: Device, kind: DeviceTopicKind, payload: Buffer, receivedAt: number): IngestOutcome {
    switch (kind) {
      case 'telemetry': {
        const decoded = this.decoder.telemetry(device, payload, receivedAt)
        if (decoded.value && decoded.value.length > 0) this.fanOut('readingsAccepted', decoded.value)
        return outcome(decoded, decoded.value?.length ?? 0)
      }
      case 'event': {
        const decoded = this.decoder.event(device, payload, receivedAt)
        if (decoded.value) this.fanOut('eventAccepted', decoded.value)
        return outcome(decoded, decoded.value ? 1 : 0)
      }
      case 'status': {
        const decoded = this.decoder.status(device, payload, receivedAt)
        if (decoded.value) this.fanOut('statusChanged', decoded.value)
        return outcome(decoded, decoded.value ? 1 : 0)
      }
      default:
        return {
          accepted: 0,
          problems: [{ code: 'FGW_ERR_TOPIC_FORBIDDEN', detail: `devices do not publish ${kind}` }],
        }
    }
  }

  /** A status that did not come from a device message (broker connect events). */
  statusObserved(status: DeviceStatus): void {
    this.fanOut('statusChanged', status)
  }

  sessionStarted(deviceId: string): void {
    this.decoder.sessionStarted(deviceId)
  }

  private fanOut<K extends keyof IngestSink>(
    method: K,
    value: Parameters<NonNullable<IngestSink[K]>>[0],
  ): void {
    for (let i = 0; i < this.sinks.length; i++) {
      const fn = this.sinks[i]![method] as ((v: typeof value) => void) | undefined
      if (!fn) continue
      try {
        fn.call(this.sinks[i], value)
      } catch (error) {
        this.onSinkFailure({ sink: i, error })
      }
    }
  }
}

function outcome<T>(decoded: Decoded<T>, accepted: number): IngestOutcome {
  return { accepted, problems: decoded.problems }
}
