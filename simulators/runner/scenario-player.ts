import type { Cadence } from '../models/device-model.ts'
import { Prng } from '../models/prng.ts'
import { SimDevice, type SimMessage } from '../models/sim-device.ts'
import type { LoadedScenario, PanelReport, PersonAction, TimelineStep } from '../scenario/scenario-types.ts'
import { WakeHeap } from './wake-heap.ts'

/** A fire panel's report through its UITD, at scenario time t. */
export interface PanelMessage {
  t: number
  report: PanelReport
}

/**
 * Everything that happens at one scenario instant, in order: the fire panel's reports, device
 * messages, then people.
 */
export interface Batch {
  t: number
  panel: PanelMessage[]
  messages: SimMessage[]
  actions: PersonAction[]
}

/**
 * Plays a scenario as a time-ordered stream of device messages and person actions, the same for
 * the virtual and the live runner. Within one instant: timeline steps, then device reports
 * (earliest first, ties by device), then person actions.
 */
export class ScenarioPlayer {
  readonly devices: SimDevice[]
  private readonly indexById = new Map<string, number>()
  private readonly heap = new WakeHeap()
  private readonly timeline: readonly TimelineStep[]
  private readonly actions: readonly PersonAction[]
  private readonly end: number
  private nextStep = 0
  private nextAction = 0

  /** origin: the epoch ms that scenario time 0 stands for in device payloads. */
  constructor(scenario: LoadedScenario, origin: number) {
    this.timeline = scenario.timeline
    this.actions = scenario.actions
    this.end = scenario.durationMs
    this.devices = scenario.devices.map((sd, i) => {
      this.indexById.set(sd.device.id, i)
      return new SimDevice({
        device: sd.device,
        model: sd.model.create({ device: sd.device, params: sd.params, prng: new Prng(sd.seed) }),
        cadence: sd.params as unknown as Cadence,
        // A stream of its own for cadence jitter and overlays, so model values do not shift with them.
        prng: new Prng(sd.seed ^ 0x5bd1e995),
        origin,
      })
    })
  }

  /** Scenario time 0: every device connects and publishes its retained `online`. */
  start(): SimMessage[] {
    const out: SimMessage[] = []
    this.devices.forEach((d, i) => {
      out.push(...d.start(0))
      this.heap.push(d.nextAt, i)
    })
    return out
  }

  /** The next instant with anything in it, or null once the scenario's duration is over. */
  next(): Batch | null {
    const t = Math.min(
      this.timeline[this.nextStep]?.at ?? Number.POSITIVE_INFINITY,
      this.heap.peekTime(),
      this.actions[this.nextAction]?.at ?? Number.POSITIVE_INFINITY,
    )
    if (!(t <= this.end)) return null
    const messages: SimMessage[] = []
    const panel: PanelMessage[] = []
    while (this.nextStep < this.timeline.length && this.timeline[this.nextStep]!.at === t) {
      const step = this.timeline[this.nextStep++]!
      if (step.action.type === 'panel') panel.push({ t, report: step.action.report })
      else this.apply(step, t, messages)
    }
    while (this.heap.peekTime() === t) {
      const i = this.heap.pop()
      const device = this.devices[i]!
      // A stale entry: the device was rescheduled (or already woke at t).
      if (device.nextAt !== t) continue
      for (const m of device.wake(t)) messages.push(m)
      this.schedule(i)
    }
    const actions: PersonAction[] = []
    while (this.nextAction < this.actions.length && this.actions[this.nextAction]!.at === t) {
      actions.push(this.actions[this.nextAction++]!)
    }
    return { t, panel, messages, actions }
  }

  /** Scenario duration in ms (progress = batch.t / duration). */
  get duration(): number {
    return this.end
  }

  private apply(step: TimelineStep, t: number, out: SimMessage[]): void {
    for (const target of step.devices) {
      const i = this.indexById.get(target.id)!
      const device = this.devices[i]!
      const before = device.nextAt
      const a = step.action
      if (a.type === 'overlay') device.overlay(a.step, t)
      else if (a.type === 'connection') out.push(...device.connection(a.step, t))
      else if (a.type === 'event') out.push(...device.reportEvent(a.event, t))
      else if (a.type === 'behaviour') out.push(...device.behave(a.name, a.params, t))
      if (device.nextAt !== before) this.schedule(i)
    }
  }

  private schedule(i: number): void {
    const at = this.devices[i]!.nextAt
    if (at <= this.end) this.heap.push(at, i)
  }
}
