import type { BenchConfig } from './bench-config.ts'
import { BENCH_TOKEN } from './bench-site.ts'
import {
  type BenchContext,
  gatewayCounters,
  startTarget,
  type TargetName,
  unavailable,
} from './broker-targets.ts'
import { type Measured, measureLoadWithProbe } from './load-process.ts'

export interface SteadyRun {
  target: TargetName
  repeat: number
  measured: Measured | null
  /** Gateway /metrics samples after the run (fresh gateway per run, so these are the run's). */
  counters: Map<string, number>
  aliveAfter: boolean
  error: string | null
}

/**
 * The steady-state runs: every target once per repeat, interleaved (aedes, mosquitto, gateway,
 * aedes, ...) so that a noisy neighbour spreads over all targets rather than hitting one; a fresh
 * broker process for each run.
 */
export async function runSteady(
  ctx: BenchContext,
  cfg: BenchConfig,
  say: (line: string) => void,
): Promise<SteadyRun[]> {
  const runs: SteadyRun[] = []
  const targets = cfg.targets.filter((t) => {
    const why = unavailable(t, ctx.repoRoot)
    if (why) say(`skipping ${t}: ${why}`)
    return !why
  })
  for (let repeat = 1; repeat <= cfg.repeats; repeat++) {
    for (const name of targets) {
      say(`steady ${name} run ${repeat}/${cfg.repeats}: ${cfg.rate} msg/s QoS 1 for ${cfg.seconds} s`)
      runs.push(await steadyRun(ctx, cfg, name, repeat))
      const m = runs.at(-1)?.measured?.summary
      say(
        m
          ? `  sent ${m.sent}, acked ${m.acked}, ${m.rate} msg/s, alerts ${m.alerts}`
          : `  ${runs.at(-1)?.error}`,
      )
    }
  }
  return runs
}

async function steadyRun(
  ctx: BenchContext,
  cfg: BenchConfig,
  name: TargetName,
  repeat: number,
): Promise<SteadyRun> {
  const run: SteadyRun = {
    target: name,
    repeat,
    measured: null,
    counters: new Map(),
    aliveAfter: false,
    error: null,
  }
  const label = `steady-${name}-${repeat}`
  let target: Awaited<ReturnType<typeof startTarget>> | null = null
  try {
    target = await startTarget(name, ctx, label)
    run.measured = await measureLoadWithProbe(
      ctx,
      target,
      {
        devices: cfg.devices,
        rate: cfg.rate,
        seconds: cfg.seconds,
        qos: 1,
        alertRate: cfg.alertRate,
        alertDevices: cfg.alertDevices,
        maxInflight: cfg.maxInflight,
        drainSec: 10,
      },
      `${label}-load`,
    )
    if (!run.measured.summary)
      run.error = `the load generator gave no summary (exit ${run.measured.loadExit})`
    if (target.http) run.counters = await gatewayCounters(target.http, BENCH_TOKEN.token)
    run.aliveAfter = target.process.alive()
  } catch (err) {
    run.error = (err as Error).message
  } finally {
    if (target) await ctx.group.stop(target.process)
  }
  return run
}
