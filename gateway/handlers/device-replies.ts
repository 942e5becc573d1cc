import type { Problem } from '../../ingest/decoder.ts'
import type { Device } from '../../ingest/site-schema.ts'
import { deviceTopic } from '../../ingest/topics.ts'

const BURST = 5
const PER_SECOND = 1
const MAX_PER_MESSAGE = 5

/**
 * Answers a device's rejected message on fw/{b}/{d}/error (CONTRACT.md "Bad input"). Each device
 * has a small budget of answers per error code (a burst of 5, then 1 per second): a device that sends the odd bad
 * message is told every time, one stuck in a loop of bad messages is told without the gateway
 * flooding it. Every rejection is still counted in the metrics.
 */
export class DeviceReplies {
  private readonly budgets = new Map<string, { tokens: number; at: number }>()

  constructor(
    private readonly publish: (topic: string, payload: Buffer) => void,
    private readonly clock: { now(): number },
  ) {}

  rejected(device: Device, topic: string, problems: readonly Problem[]): void {
    const target = deviceTopic(device.building, device.id, 'error')
    for (const problem of problems.slice(0, MAX_PER_MESSAGE)) {
      if (!this.take(`${device.id}\u0000${problem.code}`)) continue
      const payload = Buffer.from(JSON.stringify({ error: problem.code, detail: problem.detail, topic }))
      this.publish(target, payload)
    }
  }

  private take(key: string): boolean {
    const now = this.clock.now()
    const budget = this.budgets.get(key) ?? { tokens: BURST, at: now }
    budget.tokens = Math.min(BURST, budget.tokens + ((now - budget.at) * PER_SECOND) / 1000)
    budget.at = now
    this.budgets.set(key, budget)
    if (budget.tokens < 1) return false
    budget.tokens -= 1
    return true
  }
}
