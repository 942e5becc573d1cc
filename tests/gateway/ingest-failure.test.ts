import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHardening } from '../../gateway/limits/hardening.ts'
import { createGatewayMetrics } from '../../gateway/metrics.ts'
import { createFirewatchBroker, type FirewatchBroker } from '../../gateway/mqtt/broker.ts'
import { SecurityEnv } from '../../gateway/security-config.ts'
import { Decoder } from '../../ingest/decoder.ts'
import { IngestPipeline } from '../../ingest/ingest-pipeline.ts'
import type { Reading } from '../../ingest/reading.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import type { Device } from '../../ingest/site/site-schema.ts'
import { metricValue, waitFor } from '../support/api-client.ts'
import { connectClient, Inbox } from '../support/mqtt-peers.ts'
import { TEST_SITE } from '../support/paths.ts'

/**
 * A fault nobody foresaw, injected where the decoder sits: a message carrying the marker makes it
 * throw, as a decoder bug would. Everything else (broker, limits, replies, metrics) is the real one.
 */
class DecoderWithABug extends Decoder {
  override telemetry(device: Device, payload: Buffer, receivedAt: number) {
    if (payload.includes('"bug"')) throw new RangeError('Maximum call stack size exceeded')
    return super.telemetry(device, payload, receivedAt)
  }
}

const clock = { now: () => Date.now() }
const accepted: Reading[] = []
let broker: FirewatchBroker
let metrics: ReturnType<typeof createGatewayMetrics>
let port: number

beforeAll(async () => {
  metrics = createGatewayMetrics()
  const log = pino({ level: 'silent' })
  broker = await createFirewatchBroker({
    site: loadSite(TEST_SITE),
    ingest: new IngestPipeline(
      new DecoderWithABug({ maxPayloadBytes: 16_384, maxSkewMs: 300_000 }),
      [{ readingsAccepted: (readings) => accepted.push(...readings) }],
      () => {},
    ),
    metrics,
    clock,
    log,
    maxMessagesPerSec: 20_000,
    hardening: createHardening(
      { ...SecurityEnv.parse({}), INGEST_MAX_PAYLOAD_BYTES: 16_384 },
      { clock, log, registry: metrics.registry },
    ),
  })
  port = await broker.listen(0, '127.0.0.1')
})
afterAll(async () => {
  await broker.close()
})

describe('A message the ingest path fails on', () => {
  it('When the decoder throws on one message, then it is dropped, answered and counted, and the next one is taken', async () => {
    const device = await connectClient(`mqtt://127.0.0.1:${port}`, 'ta-12-smoke-01', 's3cret-ta-12')
    const inbox = new Inbox(device)
    await device.subscribeAsync('fw/tower-a/ta-12-smoke-01/error')
    const topic = 'fw/tower-a/ta-12-smoke-01/telemetry'
    await device.publishAsync(topic, '{"bug":1,"metrics":{"battery_pct":50}}', { qos: 1 })
    const answer = await inbox.next((m) => m.body.error === 'FGW_ERR_INGEST_FAILED')
    expect(answer.body.topic).toBe(topic)
    await device.publishAsync(topic, '{"metrics":{"battery_pct":51}}', { qos: 1 })
    await waitFor(() => accepted.some((r) => r.value === 51))
    expect(accepted.some((r) => r.value === 50)).toBe(false)
    const text = await metrics.registry.metrics()
    expect(metricValue(text, 'firewatch_readings_rejected_total{reason="FGW_ERR_INGEST_FAILED"}')).toBe(1)
    expect(device.connected).toBe(true)
    await device.endAsync()
  })
})
