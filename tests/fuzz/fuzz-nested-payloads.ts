import type { FuzzInputs } from './fuzz-inputs.ts'
import type { FuzzDevice } from './fuzz-mqtt.ts'
import { deviceClient, publishOnce } from './fuzz-mqtt.ts'
import { type NestedVerdict, nestedInput } from './fuzz-nesting.ts'
import type { FuzzReport } from './fuzz-report.ts'

export interface NestedLimits {
  maxPayloadBytes: number
  maxDepth: number
  /** The gateway's `firewatch_readings_rejected_total` for a reason, read from /metrics. */
  rejected: (reason: Exclude<NestedVerdict, 'other'>) => Promise<number>
}

/**
 * Deep values in every field of device messages, QoS 1. Each must be PUBACKed, and the gateway's
 * counters must grow by exactly the number of payloads that were too deep or too large: a
 * rejection that is not counted is a finding, as is one counted that should not be.
 */
export async function fuzzNestedPayloads(
  url: string,
  devices: FuzzDevice[],
  count: number,
  gen: FuzzInputs,
  report: FuzzReport,
  limits: NestedLimits,
) {
  const section = report.section('mqtt nested values')
  const reasons = ['FGW_ERR_INGEST_TOO_DEEP', 'FGW_ERR_INGEST_TOO_LARGE'] as const
  const before = await Promise.all(reasons.map((r) => limits.rejected(r)))
  const expected = new Map<NestedVerdict, number>()
  await Promise.all(
    devices.map(async (d, index) => {
      const client = await deviceClient(url, d, section)
      const share = Math.floor(count / devices.length) + (index < count % devices.length ? 1 : 0)
      let next = 0
      const worker = async () => {
        while (next < share) {
          next++
          const input = nestedInput(gen, limits.maxPayloadBytes, limits.maxDepth)
          expected.set(input.verdict, (expected.get(input.verdict) ?? 0) + 1)
          const ok = await publishOnce(client, `fw/${d.building}/${d.id}/${input.kind}`, input.payload)
          section.count(
            ok
              ? `answered: PUBACK (${input.verdict === 'other' ? 'within limits' : input.verdict})`
              : 'no PUBACK (finding)',
          )
          if (!ok)
            report.finding(`no PUBACK for a nested ${input.kind} payload of ${input.payload.length} bytes`)
        }
      }
      await Promise.all(Array.from({ length: 32 }, worker))
      await client.endAsync()
    }),
  )
  for (const [i, reason] of reasons.entries()) {
    const counted = (await limits.rejected(reason)) - before[i]!
    const sent = expected.get(reason) ?? 0
    section.note(`${reason}: ${sent} sent, ${counted} counted`)
    if (counted !== sent)
      section.finding(`${sent} payloads called for ${reason}, the gateway counted ${counted}`)
  }
}
