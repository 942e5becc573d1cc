import type { Decoded, Decoder, Problem } from './decoder.ts'
import type { PanelOperation, PanelStatus, UitdLinkEvent } from './panel/panel-status.ts'
import type { DeviceEvent, DeviceStatus, Reading } from './reading.ts'
import type { Device } from './site/site-schema.ts'
import type { DeviceTopicKind } from './topics.ts'

/** Where accepted data goes next (rule engine, live table, storage). Wired in gateway/gateway.ts. */
export interface IngestSink {
  readingsAccepted?(readings: readonly Reading[]): void
  eventAccepted?(event: DeviceEvent): void
  statusChanged?(status: DeviceStatus): void
  /** A fire panel's part, the panel or its UITD reported its status bits (ingest/panel/). */
  panelStatusAccepted?(status: PanelStatus): void
  /** A UITD was heard again, went silent, missed or answered a patrol check. */
  uitdLinkChanged?(event: UitdLinkEvent): void
  /** Someone reset, silenced or tested the panel or the UITD. */
  panelOperationRecorded?(operation: PanelOperation): void
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

  /** A decoded message was refused after all (cluster mode: not stored in the stream): see Decoder. */
  forgetSeq(deviceId: string, seq: number): void {
    this.decoder.forgetSeq(deviceId, seq)
  }

  sessionStarted(deviceId: string): void {
    this.decoder.sessionStarted(deviceId)
  }

  /**
   * A fire panel's status report (decoded by the GB/T 26875.3 receiver, located by
   * ingest/panel/panel-ingest.ts). Returns the sinks that failed: the receiver then denies the
   * frame and the UITD sends it again, so that a fire is delivered at least once.
   */
  panelStatus(status: PanelStatus): SinkFailure[] {
    return this.fanOut('panelStatusAccepted', status)
  }

  /** A panel part's analogue values, as readings. */
  panelReadings(readings: readonly Reading[]): void {
    if (readings.length > 0) this.fanOut('readingsAccepted', readings)
  }

  uitdLink(event: UitdLinkEvent): void {
    this.fanOut('uitdLinkChanged', event)
  }

  panelOperation(operation: PanelOperation): void {
    this.fanOut('panelOperationRecorded', operation)
  }

  private fanOut<K extends keyof IngestSink>(
    method: K,
    value: Parameters<NonNullable<IngestSink[K]>>[0],
  ): SinkFailure[] {
    let failures: SinkFailure[] | null = null
    for (let i = 0; i < this.sinks.length; i++) {
      const fn = this.sinks[i]![method] as ((v: typeof value) => void) | undefined
      if (!fn) continue
      try {
        fn.call(this.sinks[i], value)
      } catch (error) {
        const failure = { sink: i, error }
        this.onSinkFailure(failure)
        failures ??= []
        failures.push(failure)
      }
    }
    return failures ?? NO_FAILURES
  }
}

const NO_FAILURES: SinkFailure[] = []

function outcome<T>(decoded: Decoded<T>, accepted: number): IngestOutcome {
  return { accepted, problems: decoded.problems }
}
