import type { LoadSummary } from '../../simulators/load/load-run.ts'
import { type Spread, spread } from '../../simulators/load/percentiles.ts'
import { BENCH_TOKEN } from './bench-site.ts'
import type { BenchContext, Target } from './broker-targets.ts'
import { cpuMs, RssSampler, statusKb } from './proc-stats.ts'

export interface LoadRequest {
  devices: number
  rate: number
  seconds: number
  qos: 0 | 1
  alertRate: number
  alertDevices: number
  maxInflight: number
  /** Bound on waiting for the last acks (and, with QoS 0, for the broker's backlog). */
  drainSec: number
  clientSuffix?: string
  /** Use none of the devices of a generator of this many devices running beside this one. */
  besideDevices?: number
}

export interface Measured {
  summary: LoadSummary | null
  /** Broker CPU from the load generator's `publishing` to its `drained` line (acks all in). */
  brokerCpuMs: number | null
  rssIdleKb: number | null
  rssPeakKb: number
  loadExit: string
  /** Epoch ms at which the generator's `publishing` line was seen (polled, so a little late). */
  publishingAt: number | null
  /**
   * Event-to-alert for alarms sent after the load's first WARMUP_MS (800 devices' first readings
   * on a cold code path are a transient of their own), to the end of publishing.
   */
  steadyAlertMs: Spread | null
}

/** The load's first second: reported apart from the steady-state latency. */
export const WARMUP_MS = 1000

const CONNECT_TIMEOUT_SEC = 60

/**
 * Runs the load generator as its own process against `target` and measures the broker process
 * meanwhile: CPU between the publishing and drained markers, RSS sampled every 200 ms.
 */
export async function measureLoad(
  ctx: BenchContext,
  target: Target,
  req: LoadRequest,
  label: string,
): Promise<Measured> {
  const pid = target.process.pid
  const rssIdleKb = statusKb(pid, 'VmRSS')
  const sampler = new RssSampler(pid)
  const args = [
    ...['--import', 'tsx', 'simulators/load/load-cli.ts', '--url', target.url, '--site', ctx.siteFile],
    ...['--devices', String(req.devices), '--rate', String(req.rate), '--duration', String(req.seconds)],
    ...['--qos', String(req.qos), '--max-inflight', String(req.maxInflight), '--drain', String(req.drainSec)],
    ...['--connect-timeout', String(CONNECT_TIMEOUT_SEC)],
    ...(req.alertRate > 0
      ? ['--alert-rate', String(req.alertRate), '--alert-devices', String(req.alertDevices)]
      : []),
    ...['--token', `${BENCH_TOKEN.name}:${BENCH_TOKEN.token}`],
    ...(req.clientSuffix ? ['--client-suffix', req.clientSuffix] : []),
    ...(req.besideDevices ? ['--beside-devices', String(req.besideDevices)] : []),
  ]
  const load = ctx.group.spawn(label, process.execPath, args, { cwd: ctx.repoRoot })
  // The generator bounds itself; this is the bench's own bound in case it does not.
  const limitMs = (CONNECT_TIMEOUT_SEC + req.seconds + req.drainSec + 30) * 1000
  const cpu: { start: number | null; end: number | null } = { start: null, end: null }
  let publishingAt: number | null = null
  const marks = [
    load.waitForLine(/"phase":"publishing"/, limitMs).then(() => {
      cpu.start = cpuMs(pid)
      publishingAt = Date.now()
    }),
    load.waitForLine(/"phase":"drained"/, limitMs).then(() => {
      cpu.end = cpuMs(pid)
    }),
  ]
  const summaryLine = load.waitForLine(/^\{"url"/, limitMs).catch(() => null)
  const killer = setTimeout(() => void ctx.group.stop(load), limitMs)
  const exit = await load.exited
  clearTimeout(killer)
  await Promise.allSettled(marks)
  const rssPeakKb = sampler.stop()
  const line = await summaryLine
  let summary: LoadSummary | null = null
  try {
    summary = line ? (JSON.parse(line) as LoadSummary) : null
  } catch {
    summary = null
  }
  return {
    summary,
    brokerCpuMs: cpu.start !== null && cpu.end !== null ? cpu.end - cpu.start : null,
    rssIdleKb,
    rssPeakKb,
    loadExit: exit.signal ?? String(exit.code),
    publishingAt,
    steadyAlertMs: summary ? steadyAlerts(summary, publishingAt, req.seconds) : null,
  }
}

function steadyAlerts(summary: LoadSummary, publishingAt: number | null, seconds: number): Spread | null {
  if (publishingAt === null || summary.alertSamples.length === 0) return null
  return spread(alertLatenciesBetween(summary, publishingAt + WARMUP_MS, publishingAt + seconds * 1000))
}

/** Event-to-alert latencies (ms) of the alarms sent in [from, to] (epoch ms). */
export function alertLatenciesBetween(summary: LoadSummary | null, from: number, to: number): number[] {
  return (summary?.alertSamples ?? []).filter(([ts]) => ts >= from && ts <= to).map(([, ms]) => ms)
}

/**
 * The load without alarms, and beside it a second generator process that only sends fire alarms
 * and receives the alerts. Latency is then measured by a process whose event loop is not busy
 * pushing the load: a flooding generator delays its own sends and receives by seconds.
 */
export async function measureLoadWithProbe(
  ctx: BenchContext,
  target: Target,
  req: LoadRequest,
  label: string,
): Promise<Measured> {
  if (req.alertRate <= 0) return measureLoad(ctx, target, req, label)
  const probeReq: LoadRequest = {
    devices: 1,
    rate: 1,
    seconds: req.seconds,
    qos: 1,
    alertRate: req.alertRate,
    alertDevices: req.alertDevices,
    maxInflight: 4,
    drainSec: req.drainSec,
    clientSuffix: '~probe',
    // The gateway keeps one connection per device: the probe's devices must not be the load's.
    besideDevices: req.devices,
  }
  const [load, probe] = await Promise.all([
    measureLoad(ctx, target, { ...req, alertRate: 0 }, label),
    measureLoad(ctx, target, probeReq, `${label}-probe`),
  ])
  const p = probe.summary
  if (!load.summary || !p) return load
  const summary = { ...load.summary, events: p.events, alerts: p.alerts, alertsMatched: p.alertsMatched }
  const merged = {
    ...summary,
    alertsOther: p.alertsOther,
    latencyMs: p.latencyMs,
    alertSamples: p.alertSamples,
  }
  // The window is the load's: the probe starts alarming while the load's devices still connect.
  return { ...load, summary: merged, steadyAlertMs: steadyAlerts(merged, load.publishingAt, req.seconds) }
}
