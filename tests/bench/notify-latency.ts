/**
 * Publish-to-first-provider-request latency of a fire alert under load.
 *
 *   npx tsx tests/bench/notify-latency.ts        (or: npm run bench -- notify)
 *
 * The real gateway (its own process) runs a generated bench site plus one monitoring-centre contact
 * reached by webhook for every fire alert of every building; the webhook points at a receiver in
 * this process (127.0.0.1, checks the HMAC signature, records the arrival time). A probe generator
 * process (`--client-suffix ~probe`) connects first and sends BENCH_NOTIFY_ALERT_RATE fire
 * alarms/s, each from a smoke detector that has not alarmed yet, so every alarm opens a NEW alert
 * (a fire_alarm on an open alert is a `repeated` transition, which notifies nobody); then a load
 * generator process sends BENCH_RATE readings/s QoS 1. Only alerts opened while the load publishes
 * count; those of its first BENCH_NOTIFY_WARMUP_SECONDS (default 1) are reported on their own. Latency = arrival of an alert's first webhook request - the alert's openedAt, which the
 * gateway sets to the fire event's payload `ts` (the probe's send time).
 * See tests/bench/README.md, "Notification latency".
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { verifyWebhookSignature } from '../../alerting/notify/channels/webhook-signature.ts'
import { spread } from '../../simulators/load/percentiles.ts'
import { type PeerRequest, startHttpPeer } from '../support/peers/http-peer.ts'
import { benchConfig } from './bench-config.ts'
import { BENCH_TOKEN, benchSiteYaml } from './bench-site.ts'
import { type BenchContext, gatewayCounters, startTarget, type Target } from './broker-targets.ts'
import { ChildGroup } from './child-processes.ts'
import { alertLatenciesBetween, type Measured, measureLoad, WARMUP_MS } from './load-process.ts'
import { median } from './median.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const WEBHOOK_SECRET = 'whsec-bench-0123456789abcdef'
const CONTACT = 'bench-centre'
const _START_TIMEOUT_MS = 60_000
/** After the generators exit, how long we still wait for webhook requests of the last alarms. */
const DELIVERY_GRACE_MS = 10_000

interface Arrival {
  alertId: string
  device: string
  /** Epoch ms: the alert's openedAt, i.e. the fire event's `ts`. */
  openedAt: number
  /** Epoch ms: the request reached the receiver (body read). */
  arrival: number
}

interface Receiver {
  url: string
  /** First request per alert id, in arrival order. */
  first: Map<string, Arrival>
  requests: number
  rejected: string[]
  close(): Promise<void>
}

interface NotifyRun {
  repeat: number
  p50: number | null
  p99: number | null
  max: number | null
  alerts: number
  delivered: number
  /** Delivered alerts opened after the warm-up: the samples of p50 / p99. */
  alertsSteady: number
  rate: number | null
  /** The probe's MQTT alert p99 after the warm-up (the gateway publishes alerts on fw/{b}/alerts). */
  mqttAlertP99: number | null
  /** The same probe and load against aedes-echo, same window: the floor. */
  floorP50: number | null
  floorP99: number | null
  floorAlerts: number
  floorWarmupMax: number | null
  gatewayFirstRequestMeanMs: number | null
  /** Alerts opened in the load's first seconds (the warm-up), kept out of p50 / p99. */
  warmupAlerts: number
  warmupMax: number | null
  error: string | null
}

/** A webhook receiver as an integrator would run one, plus the arrival time of each alert's first request. */
async function startReceiver(): Promise<Receiver> {
  const first = new Map<string, Arrival>()
  const rejected: string[] = []
  let requests = 0
  const handler = (req: PeerRequest, res: ServerResponse) => {
    const arrival = Date.now()
    requests++
    const body = req.body.toString('utf8')
    const ts = String(req.headers['x-firewatch-timestamp'] ?? '')
    const sig = req.headers['x-firewatch-signature']
    const ok =
      req.method === 'POST' &&
      verifyWebhookSignature(
        WEBHOOK_SECRET,
        ts,
        body,
        typeof sig === 'string' ? sig : undefined,
        arrival / 1000,
      )
    if (!ok) {
      if (rejected.length < 20) rejected.push(`${req.method} ${req.url}: bad signature or timestamp`)
      res.writeHead(401).end()
      return
    }
    try {
      const { alert } = JSON.parse(body) as { alert: { id: string; device: string; openedAt: string } }
      if (!first.has(alert.id)) {
        first.set(alert.id, {
          alertId: alert.id,
          device: alert.device,
          openedAt: Date.parse(alert.openedAt),
          arrival,
        })
      }
    } catch {
      if (rejected.length < 20) rejected.push('unparsable body')
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok')
  }
  const peer = await startHttpPeer(handler)
  return {
    url: `${peer.origin}/hooks/firewatch`,
    first,
    get requests() {
      return requests
    },
    rejected,
    close: peer.close,
  }
}

/** `count` smoke detectors that only ever send fire alarms (one alarm each), spread over both towers. */
function alarmDeviceLines(count: number): string[] {
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    const building = i % 2 === 0 ? 'bench-a' : 'bench-b'
    const floor = 1 + (Math.floor(i / 2) % 30)
    const id = `${building}-alarm-${String(i).padStart(4, '0')}`
    lines.push(
      `  - { id: ${id}, building: ${building}, floor: ${floor}, zone: ${floor}-z, kind: smoke_detector, ` +
        `label: "Bench alarm ${i}", secret: secret-${id}, heartbeatSec: 3600 }`,
    )
  }
  return lines
}

/**
 * Three site files: the gateway's (bench site + alarm detectors + contact + escalation), the load
 * generator's (bench site only) and the probe's (alarm detectors only), so that the two generators
 * never share a device (nor its seq numbers).
 */
function writeSites(dir: string, siteDevices: number, alarmDevices: number, webhookUrl: string) {
  const bench = benchSiteYaml(siteDevices)
  const cut = bench.indexOf('\napiTokens:') + 1
  if (cut === 0 || !bench.includes('\ndevices:\n')) throw new Error('benchSiteYaml changed its layout')
  const head = bench.slice(0, cut)
  const tokens = bench.slice(cut)
  const alarms = alarmDeviceLines(alarmDevices)
  const header = head.slice(0, head.indexOf('devices:\n') + 'devices:\n'.length)
  const notify = [
    'contacts:',
    `  - { id: ${CONTACT}, name: Bench Monitoring Centre, role: monitoring_centre, channels: [webhook], ` +
      `webhook: { url: "${webhookUrl}?to=${CONTACT}", secret: ${WEBHOOK_SECRET} } }`,
    'escalation:',
    '  - classes: [fire]',
    '    levels:',
    `      - { targets: [${CONTACT}], ackTimeoutSec: 3600 }`,
  ]
  const files = {
    gateway: join(dir, 'notify-gateway-site.yaml'),
    load: join(dir, 'notify-load-site.yaml'),
    probe: join(dir, 'notify-probe-site.yaml'),
  }
  writeFileSync(files.gateway, `${head}${alarms.join('\n')}\n${tokens}${notify.join('\n')}\n`)
  writeFileSync(files.load, bench)
  writeFileSync(files.probe, `${header}${alarms.join('\n')}\n${tokens}`)
  return files
}

/** What every repeat of the bench shares. */
interface Plan {
  ctx: BenchContext
  sites: ReturnType<typeof writeSites>
  cfg: ReturnType<typeof benchConfig>
  alertRate: number
  alarmDevices: number
  /** Alerts opened in the load's first warmupMs are reported apart. */
  warmupMs: number
}

interface Driven {
  /** Epoch ms at which the load generator was seen publishing. */
  loadStart: number
  load: Measured
  probe: Measured
}

/**
 * The probe connects first, while the broker is idle (under load a CONNECT can wait past the
 * generator's 10 s CONNACK bound, and a lost alarm connection would make the alarms cycle onto
 * detectors whose alert is already open). It alarms from then on; the load generator connects
 * once the probe publishes.
 */
async function drive(plan: Plan, target: Target, label: string): Promise<Driven> {
  const { ctx, sites, cfg, alertRate, alarmDevices } = plan
  const common = { qos: 1 as const, drainSec: 10 }
  const probing = measureLoad(
    { ...ctx, siteFile: sites.probe },
    target,
    {
      ...common,
      seconds: probeSeconds(cfg.seconds),
      devices: 1,
      rate: 1,
      alertRate,
      alertDevices: alarmDevices,
      maxInflight: 4,
      clientSuffix: '~probe',
    },
    `${label}-probe`,
  )
  if (!(await logShows(join(ctx.dir, `${label}-probe.log`), '"phase":"publishing"', 90_000)))
    throw new Error('the probe did not start publishing')
  const loading = measureLoad(
    { ...ctx, siteFile: sites.load },
    target,
    {
      ...common,
      seconds: cfg.seconds,
      devices: cfg.devices,
      rate: cfg.rate,
      alertRate: 0,
      alertDevices: 1,
      maxInflight: cfg.maxInflight,
    },
    `${label}-load`,
  )
  const [load, probe] = await Promise.all([loading, probing])
  if (!load.summary || !probe.summary)
    throw new Error(
      `a load generator gave no summary (load exit ${load.loadExit}, probe exit ${probe.loadExit})`,
    )
  if (load.publishingAt === null) throw new Error('the load generator did not start publishing')
  if (probe.summary.connectFailed) throw new Error(`probe: ${probe.summary.connectFailed} connections failed`)
  return { loadStart: load.publishingAt, load, probe }
}

/**
 * The latency floor of this run: the same probe and load against bare aedes that answers each
 * event with an alert message (`aedes-echo`), timed over the same steady window.
 */
async function floorRun(plan: Plan, label: string): Promise<{ steady: number[]; warmup: number[] }> {
  const { ctx, cfg, warmupMs } = plan
  const target = await startTarget('aedes-echo', ctx, label)
  try {
    const { loadStart, probe } = await drive(plan, target, label)
    return {
      steady: alertLatenciesBetween(probe.summary, loadStart + warmupMs, loadStart + cfg.seconds * 1000),
      warmup: alertLatenciesBetween(probe.summary, loadStart, loadStart + warmupMs - 1),
    }
  } finally {
    await ctx.group.stop(target.process)
  }
}

async function oneRun(
  plan: Plan,
  receiver: Receiver,
  repeat: number,
  say: (line: string) => void,
): Promise<NotifyRun> {
  const { ctx, sites, cfg, warmupMs } = plan
  const run: NotifyRun = {
    repeat,
    p50: null,
    p99: null,
    max: null,
    alerts: 0,
    delivered: 0,
    alertsSteady: 0,
    rate: null,
    mqttAlertP99: null,
    floorP50: null,
    floorP99: null,
    floorAlerts: 0,
    floorWarmupMax: null,
    gatewayFirstRequestMeanMs: null,
    warmupAlerts: 0,
    warmupMax: null,
    error: null,
  }
  const label = `notify-${repeat}`
  receiver.first.clear()
  let gateway: Target | null = null
  try {
    const floorLatencies = await floorRun(plan, `${label}-floor`)
    const floor = spread(floorLatencies.steady)
    run.floorP50 = floor.p50
    run.floorP99 = floor.p99
    run.floorAlerts = floorLatencies.steady.length
    run.floorWarmupMax = spread(floorLatencies.warmup).max
    gateway = await startTarget('gateway', { ...ctx, siteFile: sites.gateway }, label)
    const { loadStart, load, probe } = await drive(plan, gateway, label)
    const window = { from: loadStart, to: loadStart + cfg.seconds * 1000 }
    const steadyFrom = loadStart + warmupMs
    run.rate = load.summary?.rate ?? null
    run.mqttAlertP99 = spread(alertLatenciesBetween(probe.summary, steadyFrom, window.to)).p99
    const inWindow = (ms: number) => ms >= window.from && ms <= window.to
    // Fire alerts the gateway opened inside the window: what should each have had a webhook.
    const opened = (await fireAlerts(gateway.http!)).filter(inWindow)
    run.alerts = opened.length
    // Bounded wait for the webhook requests of the last alarms.
    const end = Date.now() + DELIVERY_GRACE_MS
    const delivered = () => [...receiver.first.values()].filter((a) => inWindow(a.openedAt))
    while (delivered().length < run.alerts && Date.now() < end) await new Promise((r) => setTimeout(r, 50))
    const arrivals = delivered().sort((a, b) => a.openedAt - b.openedAt)
    // The load's first moments (800 devices' first readings on a cold code path) are a transient,
    // reported on their own: p50 / p99 describe alarms while the readings flow steadily.
    const steady = arrivals.filter((a) => a.openedAt >= steadyFrom)
    const warmup = arrivals.filter((a) => a.openedAt < steadyFrom)
    run.warmupAlerts = warmup.length
    run.warmupMax = spread(warmup.map((a) => a.arrival - a.openedAt)).max
    if (process.env.BENCH_NOTIFY_VERBOSE) {
      say(
        `  per alert (opened at +ms after the load started publishing: latency ms): ${arrivals.map((a) => `+${a.openedAt - loadStart}: ${a.arrival - a.openedAt}`).join(', ')}`,
      )
    }
    const s = spread(steady.map((a) => a.arrival - a.openedAt))
    run.p50 = s.p50
    run.p99 = s.p99
    run.max = s.max
    run.delivered = arrivals.length
    run.alertsSteady = steady.length
    const counters = await gatewayCounters(gateway.http!, BENCH_TOKEN.token)
    const sum = counters.get('firewatch_notify_first_request_seconds_sum')
    const count = counters.get('firewatch_notify_first_request_seconds_count')
    if (sum !== undefined && count) run.gatewayFirstRequestMeanMs = Math.round((sum / count) * 10_000) / 10
  } catch (err) {
    run.error = (err as Error).message
  } finally {
    if (gateway) await ctx.group.stop(gateway.process)
  }
  return run
}

/** The probe alarms from before the load connects until after it stops publishing. */
const PROBE_EXTRA_SEC = 10

function probeSeconds(seconds: number): number {
  return seconds + PROBE_EXTRA_SEC
}

/** openedAt (epoch ms) of every fire alert the gateway holds. */
async function fireAlerts(http: string): Promise<number[]> {
  const res = await fetch(`${http}/api/v1/alerts?state=all&class=fire&limit=5000`, {
    headers: { authorization: `Bearer ${BENCH_TOKEN.token}` },
    signal: AbortSignal.timeout(10_000),
  })
  if (res.status !== 200) throw new Error(`GET /api/v1/alerts answered ${res.status}`)
  const { alerts } = (await res.json()) as { alerts: { openedAt: string }[] }
  return alerts.map((a) => Date.parse(a.openedAt))
}

/** Polls a child's log file (written by ChildGroup) for `text`, every 50 ms up to `timeoutMs`. */
async function logShows(file: string, text: string, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes(text)) return true
    await new Promise((r) => setTimeout(r, 50))
  }
  return false
}

export async function runNotifyBench(say: (line: string) => void): Promise<number> {
  const cfg = benchConfig(process.env)
  const alertRateText = process.env.BENCH_NOTIFY_ALERT_RATE
  const alertRate = alertRateText ? Number(alertRateText) : 5
  if (!Number.isFinite(alertRate) || alertRate <= 0) throw new Error('BENCH_NOTIFY_ALERT_RATE must be > 0')
  const warmupText = process.env.BENCH_NOTIFY_WARMUP_SECONDS
  const warmupMs = warmupText ? Number(warmupText) * 1000 : WARMUP_MS
  if (!Number.isFinite(warmupMs) || warmupMs < 0 || warmupMs >= cfg.seconds * 1000)
    throw new Error('BENCH_NOTIFY_WARMUP_SECONDS must be >= 0 and below BENCH_SECONDS')
  // One detector per alarm (plus the probe's telemetry device): every alarm opens a new alert.
  const alarmDevices = Math.ceil(alertRate * probeSeconds(cfg.seconds)) + 2
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-notify-bench-'))
  const group = new ChildGroup(dir)
  const interrupted = () =>
    void group.stopAll().finally(() => {
      say(`interrupted; logs kept in ${dir}`)
      process.exit(130)
    })
  process.once('SIGINT', interrupted)
  process.once('SIGTERM', interrupted)
  let receiver: Receiver | null = null
  let keepLogs = true
  try {
    receiver = await startReceiver()
    const sites = writeSites(dir, cfg.siteDevices, alarmDevices, receiver.url)
    const ctx: BenchContext = { group, repoRoot, dir, siteFile: sites.gateway }
    say(
      `notify bench: load average ${os.loadavg()[0]!.toFixed(2)}; ${cfg.rate} readings/s QoS 1 from ` +
        `${cfg.devices} devices for ${cfg.seconds} s (the first ${warmupMs / 1000} s are the warm-up), ` +
        `${alertRate} fire alarms/s over ${alarmDevices} detectors, ${cfg.repeats} repeat(s); logs in ${dir}`,
    )
    const runs: NotifyRun[] = []
    for (let repeat = 1; repeat <= cfg.repeats; repeat++) {
      const r = await oneRun({ ctx, sites, cfg, alertRate, alarmDevices, warmupMs }, receiver, repeat, say)
      runs.push(r)
      say(
        `  run ${repeat}: first request p50 ${r.p50} ms, p99 ${r.p99} ms, max ${r.max} ms ` +
          `(${r.alertsSteady} alerts after the warm-up); warm-up: ${r.warmupAlerts} alerts, max ${r.warmupMax} ms; ` +
          `alerts ${r.alerts}, delivered ${r.delivered}; ${r.rate} readings/s; ` +
          `MQTT alert p99 ${r.mqttAlertP99} ms; floor (aedes-echo) p50 ${r.floorP50} ms, p99 ${r.floorP99} ms ` +
          `(${r.floorAlerts} alerts), warm-up max ${r.floorWarmupMax} ms; gateway's own first-request mean ${r.gatewayFirstRequestMeanMs} ms` +
          (r.error ? `; error: ${r.error}` : ''),
      )
    }
    if (receiver.rejected.length > 0) say(`webhook requests refused: ${receiver.rejected.join('; ')}`)
    say(`notify.first_request_p50_ms ${median(runs.map((r) => r.p50))}`)
    say(`notify.first_request_p99_ms ${median(runs.map((r) => r.p99))}`)
    say(`notify.mqtt_alert_p99_ms ${median(runs.map((r) => r.mqttAlertP99))}`)
    say(`notify.floor_alert_p50_ms ${median(runs.map((r) => r.floorP50))}`)
    say(`notify.floor_alert_p99_ms ${median(runs.map((r) => r.floorP99))}`)
    say(`notify.warmup_first_request_max_ms ${median(runs.map((r) => r.warmupMax))}`)
    say(`notify.floor_warmup_alert_max_ms ${median(runs.map((r) => r.floorWarmupMax))}`)
    say(`notify.alerts ${median(runs.map((r) => r.alerts))}`)
    say(`notify.delivered ${median(runs.map((r) => r.delivered))}`)
    say(`notify.readings_per_s ${median(runs.map((r) => r.rate))}`)
    const failed = runs.some((r) => r.error || r.delivered < r.alerts) || receiver.rejected.length > 0
    keepLogs = failed
    return failed ? 1 : 0
  } finally {
    await group.stopAll()
    await receiver?.close()
    process.removeListener('SIGINT', interrupted)
    process.removeListener('SIGTERM', interrupted)
    if (keepLogs) say(`logs kept in ${dir}`)
    else rmSync(dir, { recursive: true, force: true })
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runNotifyBench((line) => process.stdout.write(`${line}\n`)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`notify bench: ${(err as Error).stack ?? err}\n`)
      process.exit(1)
    },
  )
}
