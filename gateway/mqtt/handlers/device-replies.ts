import type { Problem } from '../../../ingest/decoder.ts'
import type { Device } from '../../../ingest/site/site-schema.ts'
import { deviceTopic } from '../../../ingest/topics.ts'
import { RateBuckets } from '../../limits/rate-buckets.ts'

const BURST = 5
const PER_SECOND = 1
const MAX_PER_MESSAGE = 5

/**
 * Answers a device's rejected message on fw/{b}/{d}/error (docs/protocol.md, "Bad input"). Each device
 * has a small budget of answers per error code (a burst of 5, then 1 per second): a device that sends the odd bad
 * message is told every time, one stuck in a loop of bad messages is told without the gateway
 * flooding it. Every rejection is still counted in the metrics.
 */
export class DeviceReplies {
  private readonly budgets: RateBuckets<string>

  constructor(
    private readonly publish: (topic: string, payload: Buffer) => void,
    clock: { now(): number },
  ) {
    this.budgets = new RateBuckets<string>(PER_SECOND, BURST, clock)
  }

  rejected(device: Device, topic: string, problems: readonly Problem[]): void {
    const target = deviceTopic(device.building, device.id, 'error')
    for (const problem of problems.slice(0, MAX_PER_MESSAGE)) {
      if (!this.budgets.take(`${device.id}\u0000${problem.code}`)) continue
      const payload = Buffer.from(JSON.stringify({ error: problem.code, detail: problem.detail, topic }))
      this.publish(target, payload)
    }
  }
}
