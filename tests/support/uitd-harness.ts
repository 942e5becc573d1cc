import { Registry } from 'prom-client'
import { systemClock } from '../../gateway/clock.ts'
import {
  createUitdListener,
  registerUitdMetrics,
  type UitdIdentity,
  type UitdListener,
  type UitdListenerOptions,
  UitdMetrics,
} from '../../gateway/uitd/index.ts'
import { UitdSimulator, type UitdSimulatorOptions } from '../../simulators/uitd/uitd-simulator.ts'

/** The UITD the harness allows: address 889 (the standard's example UITD), Shanghai time. */
export const KNOWN_UITD = { address: 889, identity: { id: 'ta-uitd-01', timeZone: 'Asia/Shanghai' } }
export const CENTRE = 88_888

export interface UitdEvents {
  componentStatus: unknown[][]
  analogue: unknown[][]
  operationRecord: unknown[][]
  systemStatus: unknown[][]
  uitdStatus: unknown[][]
  information: unknown[][]
  uitdSeen: unknown[][]
  uitdSilent: unknown[][]
  patrolAnswered: unknown[][]
  patrolMissed: unknown[][]
  refused: unknown[][]
}

export interface UitdHarness {
  listener: UitdListener
  events: UitdEvents
  logs: { level: string; obj: Record<string, unknown>; msg?: string }[]
  registry: Registry
  metricsText(): Promise<string>
  simulator(opts?: Partial<UitdSimulatorOptions>): Promise<UitdSimulator>
  stop(): Promise<void>
}

const SINKS = [
  'componentStatus',
  'analogue',
  'operationRecord',
  'systemStatus',
  'uitdStatus',
  'information',
  'uitdSeen',
  'uitdSilent',
  'patrolAnswered',
  'patrolMissed',
  'refused',
] as const

/** Sinks that record the arguments of every call, by sink. */
function recordingSinks() {
  const events = Object.fromEntries(SINKS.map((k) => [k, [] as unknown[][]])) as unknown as UitdEvents
  const sinks = Object.fromEntries(SINKS.map((k) => [k, (...args: unknown[]) => void events[k].push(args)]))
  return { events, sinks }
}

function recordingLog(logs: UitdHarness['logs']) {
  const at = (level: string) => (obj: object, msg?: string) =>
    void logs.push({ level, obj: obj as Record<string, unknown>, msg })
  return { info: at('info'), warn: at('warn'), debug: at('debug') }
}

/** A real UITD listener on a loopback port, with sinks that record every call. */
export async function startUitdHarness(overrides: Partial<UitdListenerOptions> = {}): Promise<UitdHarness> {
  const { events, sinks } = recordingSinks()
  const logs: UitdHarness['logs'] = []
  const metrics = new UitdMetrics()
  const registry = new Registry()
  registerUitdMetrics(registry, metrics)
  const allow = (address: number): UitdIdentity | null =>
    address === KNOWN_UITD.address ? KNOWN_UITD.identity : null
  const listener = await createUitdListener({
    port: 0,
    host: '127.0.0.1',
    clock: systemClock,
    log: recordingLog(logs),
    allow,
    sinks,
    metrics,
    timeSync: false,
    ...overrides,
  })
  const simulators: UitdSimulator[] = []
  return {
    listener,
    events,
    logs,
    registry,
    metricsText: () => registry.metrics(),
    simulator: async (opts = {}) => {
      const sim = await connectSimulator(listener.port, opts)
      simulators.push(sim)
      return sim
    },
    stop: async () => {
      await Promise.all(simulators.map((s) => s.close()))
      await listener.close()
    },
  }
}

/** A simulated UITD at the known address, talking to the harness's listener. */
function connectSimulator(port: number, opts: Partial<UitdSimulatorOptions>): Promise<UitdSimulator> {
  return UitdSimulator.connect({
    host: '127.0.0.1',
    port,
    address: KNOWN_UITD.address,
    centreAddress: CENTRE,
    retransmit: { timeoutMs: 2_000, retries: 3 },
    ...opts,
  })
}

/** Polls until the condition holds; fails after `ms` (a bound on the wait, not a timing assertion). */
export async function waitFor(
  what: string,
  condition: () => boolean | Promise<boolean>,
  ms = 10_000,
): Promise<void> {
  const deadline = performance.now() + ms
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting: ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}
