import type { JetStreamManager } from '@nats-io/jetstream'
import { partitionFilter, TELEMETRY_STREAM } from './partition.ts'

/** How often a runner checks that its consumer still delivers. */
const CHECK_MS = 3_000

/**
 * Notices a partition's consumer that stopped delivering while the stream holds more for it. After
 * a stream leader's death, nats-server 2.9 may leave an ordered consumer's re-creation unanswered
 * (docs/cluster.md "Test servers"), and the consumer then waits for ever. When a message after the
 * last one handled was already there at the previous check and still has not arrived, `stalled`
 * is called: the runner gives the partition up, and its next owner (maybe this node) replays it.
 */
export function watchForStall(
  jsm: JetStreamManager,
  partition: number,
  lastHandled: () => number,
  stalled: () => void,
): () => void {
  let waitingFor: number | null = null
  const check = async () => {
    const handled = lastHandled()
    if (waitingFor !== null && handled < waitingFor) {
      stalled()
      return
    }
    const next = await jsm.direct
      .getMessage(TELEMETRY_STREAM, { next_by_subj: partitionFilter(partition), seq: handled + 1 })
      .catch(() => null)
    waitingFor = next?.seq ?? null
  }
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    check().finally(() => {
      busy = false
    })
  }, CHECK_MS)
  return () => clearInterval(timer)
}
