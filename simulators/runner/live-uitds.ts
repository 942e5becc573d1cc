import { epochMsToTimeTag } from '../../ingest/gbt26875/index.ts'
import type { Uitd } from '../../ingest/site/uitd-schema.ts'
import type { PanelReport } from '../scenario/scenario-types.ts'
import { panelUnit } from '../uitd/panel-unit.ts'
import { UitdSimulator } from '../uitd/uitd-simulator.ts'
import { SimulatorError } from './simulator-errors.ts'

/**
 * The scenario's fire panels in a live run: one simulated UITD per UITD of the site (its address
 * from the site file), connected to the gateway's GB/T 26875.3 port on first use. Reports are not
 * awaited (the timeline must not wait for confirms); flush() waits for them.
 */
export class LiveUitds {
  readonly errors: string[] = []
  private readonly sims = new Map<string, Promise<UitdSimulator>>()
  private readonly pending = new Set<Promise<void>>()

  constructor(
    private readonly target: { host: string; port: number } | null,
    /** The site's zone: time tags of a UITD that names none. */
    private readonly siteZone: string,
  ) {}

  /** `ts`: the report's time on the scenario timeline, as MQTT devices stamp theirs. */
  send(report: PanelReport, ts: number): void {
    const sim = this.simulator(report.uitd)
    const done = sim
      .then(async (s) => {
        const tag = epochMsToTimeTag(ts, report.uitd.timeZone ?? this.siteZone)
        const outcome = await s.send(panelUnit(report, tag))
        if (outcome.result !== 'confirmed') this.errors.push(`${report.uitd.id}: report ${outcome.result}`)
      })
      .catch((err: Error) => void this.errors.push(`${report.uitd.id}: ${err.message}`))
    this.pending.add(done)
    void done.then(() => this.pending.delete(done))
  }

  async flush(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending])
  }

  async close(): Promise<void> {
    await this.flush()
    const sims = await Promise.allSettled([...this.sims.values()])
    await Promise.all(sims.map((s) => (s.status === 'fulfilled' ? s.value.close() : undefined)))
  }

  private simulator(uitd: Uitd): Promise<UitdSimulator> {
    let sim = this.sims.get(uitd.id)
    if (sim) return sim
    const target = this.target
    if (!target) {
      throw new SimulatorError(
        'FGW_ERR_SIM_USAGE',
        `the scenario has fire panel steps (${uitd.id}): give the gateway's UITD port (--uitd host:port)`,
      )
    }
    sim = UitdSimulator.connect({
      ...target,
      address: uitd.address,
      timeZone: uitd.timeZone ?? this.siteZone,
    })
    this.sims.set(uitd.id, sim)
    return sim
  }
}
