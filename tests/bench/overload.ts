import net from 'node:net'
import type { BenchConfig } from './bench-config.ts'
import { BENCH_TOKEN } from './bench-site.ts'
import {
  type BenchContext,
  gatewayCounters,
  healthy,
  startTarget,
  type Target,
  type TargetName,
  unavailable,
} from './broker-targets.ts'
import { type Measured, measureLoadWithProbe } from './load-process.ts'

export interface OverloadRun {
  target: TargetName
  qos: 0 | 1
  offeredRate: number
  measured: Measured | null
  counters: Map<string, number>
  /** Process alive and, for the gateway, GET /healthz 200; for a baseline, accepting TCP. */
  alive: boolean
  /** How it died, with a matching line of its output, when it did. */
  death: string | null
  error: string | null
}

/** One fire_alarm every 2 s from a smoke detector that sends no telemetry. */
const ALARM_RATE = 0.5

/**
 * The overload scenario: about twice what the gateway sustains, at QoS 1 (are PUBACKs and thus
 * publishers slowed, is everything acknowledged?) and as a QoS 0 flood (does the process survive,
 * how far behind does it fall?), each against the gateway and bare aedes, while a fire alarm goes
 * out every 2 s.
 */
export async function runOverload(
  ctx: BenchContext,
  cfg: BenchConfig,
  say: (line: string) => void,
): Promise<OverloadRun[]> {
  const runs: OverloadRun[] = []
  const targets = cfg.overload.targets.filter((t) => {
    const why = unavailable(t, ctx.repoRoot)
    if (why) say(`overload: skipping ${t}: ${why}`)
    return !why
  })
  for (const qos of cfg.overload.qos) {
    const rate = qos === 1 ? cfg.overload.rate : cfg.overload.qos0Rate
    for (const name of targets) {
      say(`overload ${name}: ${rate} msg/s QoS ${qos} for ${cfg.overload.seconds} s, a fire alarm every 2 s`)
      const run = await overloadRun(ctx, cfg, name, qos, rate)
      const s = run.measured?.summary
      say(
        s
          ? `  sent ${s.sent} at ${s.rate} msg/s, acked ${s.acked ?? 'n/a'}, alerts ${s.alerts}, alive ${run.alive}`
          : `  ${run.error ?? 'no summary'}; alive ${run.alive}`,
      )
      runs.push(run)
    }
  }
  return runs
}

async function overloadRun(
  ctx: BenchContext,
  cfg: BenchConfig,
  name: TargetName,
  qos: 0 | 1,
  rate: number,
): Promise<OverloadRun> {
  const run: OverloadRun = {
    target: name,
    qos,
    offeredRate: rate,
    measured: null,
    counters: new Map(),
    alive: false,
    death: null,
    error: null,
  }
  const label = `overload-${name}-qos${qos}`
  let target: Target | null = null
  try {
    target = await startTarget(name, ctx, label)
    run.measured = await measureLoadWithProbe(
      ctx,
      target,
      {
        devices: cfg.overload.devices,
        rate,
        seconds: cfg.overload.seconds,
        qos,
        alertRate: ALARM_RATE,
        alertDevices: 1,
        maxInflight: cfg.overload.maxInflight,
        // A broker taking half the offer needs as long again to work off its backlog; bound at twice.
        drainSec: 2 * cfg.overload.seconds,
      },
      `${label}-load`,
    )
    run.alive = await stillServing(target)
    if (target.http && run.alive) run.counters = await gatewayCounters(target.http, BENCH_TOKEN.token)
    if (!target.process.alive()) {
      const { code, signal } = await target.process.exited
      const clue = target.process
        .tail()
        .split('\n')
        .find((l) => /RangeError|Maximum call stack|heap out of memory|FATAL|Error:/.test(l))
      run.death = `exited (${signal ?? `code ${code}`})${clue ? `: ${clue.trim()}` : ''}`
    }
  } catch (err) {
    run.error = (err as Error).message
  } finally {
    if (target) await ctx.group.stop(target.process)
  }
  return run
}

async function stillServing(target: Target): Promise<boolean> {
  if (!target.process.alive()) return false
  if (target.http) return healthy(target.http, 5000)
  const port = Number(new URL(target.url).port)
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy()
      resolve(true)
    })
    socket.setTimeout(5000, () => {
      socket.destroy()
      resolve(false)
    })
    socket.once('error', () => resolve(false))
  })
}
