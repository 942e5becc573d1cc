/**
 * npm run bench [-- steady|overload|notify|wall|exhaustion|cluster]: bare aedes, aedes that echoes events as alerts (the
 * latency floor), Mosquitto and the Firewatch gateway under the same load, measured in the same run; see tests/bench/README.md for the figures and settings.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { benchConfig } from './bench-config.ts'
import {
  cpuPer1k,
  markdownTable,
  medianOf,
  overloadLine,
  overloadTable,
  settingsLine,
  steadyTable,
  textTable,
} from './bench-report.ts'
import { writeBenchSite } from './bench-site.ts'
import type { BenchContext } from './broker-targets.ts'
import { ChildGroup } from './child-processes.ts'
import { runClusterBench } from './cluster.ts'
import { runExhaustionBench } from './exhaustion.ts'
import { runNotifyBench } from './notify-latency.ts'
import { type OverloadRun, runOverload } from './overload.ts'
import { runSteady, type SteadyRun } from './steady.ts'
import { runWallBench } from './wall.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const say = (line: string) => process.stdout.write(`${line}\n`)

async function main(): Promise<number> {
  const mode = process.argv[2] ?? 'all'
  if (mode === 'notify') return runNotifyBench(say)
  if (mode === 'wall') return runWallBench(say)
  if (mode === 'exhaustion') return runExhaustionBench()
  if (mode === 'cluster') return runClusterBench(say)
  if (!['all', 'steady', 'overload'].includes(mode)) {
    say('usage: npm run bench [-- steady|overload|notify|wall|exhaustion|cluster]')
    return 64
  }
  const cfg = benchConfig(process.env)
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-bench-'))
  const group = new ChildGroup(dir)
  const interrupted = () =>
    void group.stopAll().finally(() => {
      say(`interrupted; logs kept in ${dir}`)
      process.exit(130)
    })
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  let keepLogs = false
  try {
    const ctx: BenchContext = { group, repoRoot, dir, siteFile: writeBenchSite(dir, cfg.siteDevices) }
    const started = new Date()
    const load = os.loadavg()[0]!.toFixed(2)
    say(`bench (${mode}): load average ${load}; logs in ${dir}`)
    if (mode !== 'overload') say(`steady: ${settingsLine(cfg)}`)
    if (mode !== 'steady') say(`overload: ${overloadLine(cfg)}`)
    const steady = mode === 'overload' ? [] : await runSteady(ctx, cfg, say)
    const overload = mode === 'steady' ? [] : await runOverload(ctx, cfg, say)
    const sane = sanity(steady)
    const md = report(cfg, steady, overload, sane, started, load)
    mkdirSync(join(repoRoot, 'tests/bench/out'), { recursive: true })
    writeFileSync(join(repoRoot, 'tests/bench/out/latest.md'), md)
    say('\nwrote tests/bench/out/latest.md')
    keepLogs =
      steady.some((r) => r.error) || overload.some((r) => r.error) || sane.some((l) => l.includes('FAIL'))
    return sane.some((l) => l.includes('FAIL')) ? 1 : 0
  } finally {
    await group.stopAll()
    if (keepLogs) say(`logs kept in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

/** The baselines must take the whole load: QoS 1 acked == sent, no errors, every device connected. */
function sanity(runs: readonly SteadyRun[]): string[] {
  const lines: string[] = []
  for (const target of ['aedes', 'aedes-echo', 'mosquitto'] as const) {
    const mine = runs.filter((r) => r.target === target)
    if (mine.length === 0) continue
    const ok = mine.filter((r) => {
      const m = r.measured?.summary
      return !!m && m.sent > 0 && m.acked === m.sent && m.errors + m.unacked === 0 && m.connectFailed === 0
    })
    lines.push(
      `sanity ${target}: acked == sent, no errors: ${ok.length}/${mine.length} runs ${ok.length === mine.length ? 'ok' : 'FAIL'}`,
    )
  }
  // A latency figure over a fraction of the alarms says nothing: every fire event must come back.
  const gateway = runs.filter((r) => r.target === 'gateway')
  if (gateway.length > 0) {
    const ok = gateway.filter((r) => {
      const m = r.measured?.summary
      return !!m && m.events.sent > 0 && m.alerts === m.events.sent
    })
    lines.push(
      `sanity gateway: an alert for every fire event: ${ok.length}/${gateway.length} runs ${ok.length === gateway.length ? 'ok' : 'FAIL'}`,
    )
  }
  return lines
}

function report(
  cfg: ReturnType<typeof benchConfig>,
  steady: readonly SteadyRun[],
  overload: readonly OverloadRun[],
  sane: readonly string[],
  started: Date,
  load: string,
): string {
  const md: string[] = [`### Bench ${started.toISOString()}`, '']
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU'
  md.push(`${os.cpus().length} × ${cpu}, Node ${process.version}, load average at start ${load}.`, '')
  const targets = cfg.targets.filter((t) => steady.some((r) => r.target === t))
  if (steady.length > 0) {
    const table = steadyTable(steady, targets)
    say(`\n${settingsLine(cfg)}\n\n${textTable(table)}`)
    md.push(`Steady state: ${settingsLine(cfg)}.`, '', markdownTable(table), '')
    const gw = medianOf(steady, 'gateway', cpuPer1k)
    const base = medianOf(steady, 'aedes', cpuPer1k)
    const ratio = gw !== null && base ? `${(gw / base).toFixed(2)}×` : 'n/a'
    const line = `gateway CPU per reading / bare aedes CPU per reading: ${ratio}`
    say(`\n${line}`)
    md.push(`${line}.`, '')
    const floor = latencyFloorLine(steady)
    if (floor) {
      say(floor)
      md.push(`${floor}.`, '')
    }
    for (const { target, repeat, error } of steady) {
      if (!error) continue
      say(`error in ${target} run ${repeat}: ${error}`)
      md.push(`- error in ${target} run ${repeat}: ${error.split('\n')[0]}`)
    }
    for (const l of sane) say(l)
    md.push(...sane.map((l) => `- ${l}`), '')
  }
  if (overload.length > 0) {
    const table = overloadTable(overload)
    say(`\noverload: ${overloadLine(cfg)}\n\n${textTable(table)}`)
    md.push(`Overload: ${overloadLine(cfg)}.`)
    md.push('', markdownTable(table), '')
  }
  return `${md.join('\n')}\n`
}

/** The gateway's event-to-alert p99 beside the floor: aedes answering the same events with no work. */
function latencyFloorLine(steady: readonly SteadyRun[]): string | null {
  const p99 = (r: SteadyRun) => r.measured?.summary?.latencyMs.p99 ?? null
  const steadyP99 = (r: SteadyRun) => r.measured?.steadyAlertMs?.p99 ?? null
  const gw = medianOf(steady, 'gateway', p99)
  const floor = medianOf(steady, 'aedes-echo', p99)
  if (gw === null || floor === null) return null
  const after = (f: number | null) => (f === null ? 'n/a' : `${f.toFixed(0)} ms`)
  return (
    `event-to-alert p99: gateway ${gw.toFixed(0)} ms, aedes echoing the events (the floor) ${floor.toFixed(0)} ms; ` +
    `after the load's first second: gateway ${after(medianOf(steady, 'gateway', steadyP99))}, ` +
    `floor ${after(medianOf(steady, 'aedes-echo', steadyP99))}`
  )
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench: ${(err as Error).stack ?? err}\n`)
    process.exit(1)
  },
)
