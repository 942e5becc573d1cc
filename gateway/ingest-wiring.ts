import type { Logger } from 'pino'
import { Decoder } from '../ingest/decoder.ts'
import { IngestPipeline, type IngestSink } from '../ingest/ingest-pipeline.ts'
import type { GatewayEnv } from './config.ts'
import type { LiveState } from './live/live-state.ts'
import type { LiveStream } from './live/live-stream.ts'

export function createIngest(env: GatewayEnv, sinks: IngestSink[], log: Logger): IngestPipeline {
  const decoder = new Decoder({
    maxPayloadBytes: env.INGEST_MAX_PAYLOAD_BYTES,
    maxSkewMs: env.INGEST_MAX_SKEW_MS,
  })
  return new IngestPipeline(decoder, sinks, ({ sink, error }) =>
    log.error({ sink, err: error }, 'ingest sink failed'),
  )
}

export function liveSink(live: LiveState, stream: LiveStream): IngestSink {
  return {
    readingsAccepted: (readings) => {
      for (const r of readings) {
        live.readingAccepted(r)
        stream.deviceChanged(r.device)
      }
    },
    // An event is a sign of life (as for the offline rule): a device heard only by its events is
    // not `unknown` on the wall.
    eventAccepted: (e) => {
      live.eventAccepted(e)
      stream.deviceChanged(e.device)
    },
    statusChanged: (s) => {
      live.deviceStatus(s)
      stream.deviceChanged(s.device)
    },
    panelStatusAccepted: (s) => {
      if (live.panelStatus(s)) stream.deviceChanged(s.device)
    },
  }
}
