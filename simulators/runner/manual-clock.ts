import { SimulatorError } from './simulator-errors.ts'

/**
 * Virtual time (docs/architecture.md, "The injected clock"): the runner moves it forward to each
 * scenario instant; the engine, the ingest pipeline and the alert lifecycle read it through the
 * same Clock interface they get in production. Epoch milliseconds, as ingest/deps.ts and
 * alerting/deps.ts expect.
 */
export class ManualClock {
  constructor(private ms: number) {}

  now(): number {
    return this.ms
  }

  advanceTo(ms: number): void {
    if (ms < this.ms) throw new SimulatorError('FGW_ERR_SIM_TIME', `time went backwards: ${ms} < ${this.ms}`)
    this.ms = ms
  }
}
