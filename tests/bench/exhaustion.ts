/**
 * Resource exhaustion: npm run bench -- exhaustion (or npx tsx tests/bench/exhaustion.ts).
 *
 * The real gateway (its own process, started under `ulimit -n BENCH_EXH_FD_LIMIT`, 1024 by
 * default, so that its caps are those of the usual limit) is attacked phase after phase, from one
 * source address (127.0.0.2) and from many (127.0.0.10 …): idle HTTP connections, MQTT sockets
 * that never send CONNECT, logged-in token connections, subscriptions, in-flight QoS 1/2 messages
 * and persistent sessions, up to and beyond their caps. Meanwhile legitimate devices keep logging
 * in (127.0.0.1), one device sends a fire_alarm every second, and /healthz is polled. It reports
 * the gateway's open descriptors and RSS over time and per phase, the logins, and the
 * fire-alarm-to-alert latency, which must stay within 1 s. See tests/bench/README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { GatewayEnv } from '../../gateway/config.ts'
import { openFileLimit, resolveConnectionCaps } from '../../gateway/limits/fd-budget.ts'
import { spread } from '../../simulators/load/percentiles.ts'
import { loadDevices } from '../../simulators/load/site-devices.ts'
import { markdownTable, type Table, textTable } from './bench-report.ts'
import { BENCH_TOKEN, writeBenchSite } from './bench-site.ts'
import { startTarget, type Target } from './broker-targets.ts'
import { ChildGroup } from './child-processes.ts'
import {
  type Attack,
  idleFlood,
  inflight,
  loopbackAddresses,
  mqttClients,
  subscriptions,
} from './exhaustion-load.ts'
import {
  alarmProbe,
  cycleLogins,
  type Device,
  emptyFigures,
  type PhaseFigures,
  pollHealth,
  type Sample,
  sampleProcess,
} from './exhaustion-probes.ts'

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const say = (line: string) => process.stdout.write(`${line}\n`)
const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

const cfg = {
  fdLimit: num('BENCH_EXH_FD_LIMIT', 1024),
  phaseSec: num('BENCH_EXH_PHASE_SEC', 15),
  connections: num('BENCH_EXH_CONNECTIONS', 1100),
  addresses: num('BENCH_EXH_ADDRESSES', 40),
  devices: num('BENCH_EXH_DEVICES', 50),
  subscriptionConnections: 20,
  subscriptionsEach: num('BENCH_EXH_SUBSCRIPTIONS', 20_000) / 20,
  inflightDevices: 20,
  inflightEach: num('BENCH_EXH_INFLIGHT', 20_000) / 20,
  sessions: num('BENCH_EXH_SESSIONS', 2_000),
}
/** Pause between phases: what an attack left behind (timeouts running out) is still its phase's. */
const AFTER_SEC = 3

interface Phase {
  name: string
  attack: Attack | null
  tally: string
  figures: PhaseFigures
}

function phases(
  mqttPort: number,
  httpPort: number,
  inflightDevices: Device[],
): Omit<Phase, 'tally' | 'figures'>[] {
  const one = ['127.0.0.2']
  const many = loopbackAddresses(cfg.addresses)
  const token = { name: BENCH_TOKEN.name, token: BENCH_TOKEN.token }
  const tokenLogin = (prefix: string) => (i: number) => ({
    username: token.name,
    password: token.token,
    clientId: `${prefix}-${i}`,
  })
  const n = cfg.connections
  return [
    { name: 'baseline', attack: null },
    { name: `HTTP idle, 1 address × ${n}`, attack: idleFlood(httpPort, one, n, 1000) },
    { name: `HTTP idle, ${many.length} addresses, ${n}`, attack: idleFlood(httpPort, many, n, 1000) },
    { name: `MQTT no CONNECT, 1 address × ${n}`, attack: idleFlood(mqttPort, one, n, 1000) },
    { name: `MQTT no CONNECT, ${many.length} addresses, ${n}`, attack: idleFlood(mqttPort, many, n, 1000) },
    {
      name: `MQTT token logins, 1 address × ${n}`,
      attack: mqttClients(mqttPort, one, n, tokenLogin('exh-one')),
    },
    {
      name: `MQTT token logins, ${many.length} addresses, ${n}`,
      attack: mqttClients(mqttPort, many, n, tokenLogin('exh-many')),
    },
    {
      name: `subscriptions, ${cfg.subscriptionConnections} × ${cfg.subscriptionsEach}`,
      attack: subscriptions(mqttPort, many, token, cfg.subscriptionConnections, cfg.subscriptionsEach),
    },
    {
      name: `QoS 2 unreleased, ${inflightDevices.length} × ${cfg.inflightEach}; 5 QoS 1 non-ackers`,
      attack: inflight(mqttPort, many, inflightDevices, cfg.inflightEach, { token, count: 5 }),
    },
    {
      name: `persistent sessions, ${cfg.sessions}`,
      attack: mqttClients(
        mqttPort,
        many,
        cfg.sessions,
        (i) => ({ ...tokenLogin('exh-session')(i), clean: false }),
        async (client) => {
          await client.subscribeAsync('fw/+/alerts', { qos: 1 })
        },
        false,
      ),
    },
    { name: 'after (sessions stay)', attack: null },
  ]
}

async function main(): Promise<number> {
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-exhaustion-'))
  const group = new ChildGroup(dir)
  try {
    const siteFile = writeBenchSite(dir, 300)
    const gateway = await startTarget('gateway', { group, repoRoot, dir, siteFile }, 'gateway-exhaustion', {
      fdLimit: cfg.fdLimit > 0 ? cfg.fdLimit : undefined,
      // The attackers meet the connection caps, not the connect rates.
      env: { MQTT_CONNECTS_PER_MIN_PER_CLIENT: '1000000', MQTT_CONNECTS_PER_MIN_PER_ADDRESS: '1000000' },
    })
    say(`exhaustion: ${machineLine()}, gateway pid ${gateway.process.pid}`)
    say(capsLine())
    const run = await runPhases(gateway, benchDevices(siteFile))
    const counters = await limitCounters(gateway.http!)
    const alive = gateway.process.alive()
    await group.stop(gateway.process)
    return report(run, counters, alive)
  } finally {
    await group.stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The alarm device, the legitimate devices that keep logging in, the devices the in-flight attack uses. */
function benchDevices(siteFile: string) {
  const devices: Device[] = loadDevices(siteFile).map((d) => ({
    id: d.id,
    building: d.building,
    secret: `secret-${d.id}`,
  }))
  const alarm = devices.find((d) => d.id.includes('-smoke-'))!
  const others = devices.filter((d) => d !== alarm)
  return {
    alarm,
    legit: others.slice(0, cfg.devices),
    attackers: others.slice(cfg.devices, cfg.devices + cfg.inflightDevices),
  }
}

interface Run {
  phases: Phase[]
  samples: Sample[]
  missingAlerts: number
}

/** The probes run throughout; each phase starts its attack, holds it, stops it and waits a little. */
async function runPhases(gateway: Target, devices: ReturnType<typeof benchDevices>): Promise<Run> {
  const run: Phase[] = [{ name: 'start', attack: null, tally: '', figures: emptyFigures() }]
  const figures = { current: () => run[run.length - 1]!.figures }
  const sampler = sampleProcess(gateway.process.pid, () => run[run.length - 1]!.name, figures)
  const health = pollHealth(gateway.http!, figures)
  const logins = cycleLogins(gateway.url, devices.legit, figures, 2_000)
  const alarms = await alarmProbe(gateway.url, devices.alarm, token(), figures, 1_000)
  const ports = { mqtt: Number(new URL(gateway.url).port), http: Number(new URL(gateway.http!).port) }
  for (const phase of phases(ports.mqtt, ports.http, devices.attackers)) {
    const p: Phase = { ...phase, tally: '', figures: emptyFigures() }
    run.push(p)
    say(`phase: ${p.name}`)
    await p.attack?.start()
    await sleep(cfg.phaseSec * 1000)
    p.tally = p.attack?.tally() ?? ''
    await p.attack?.stop()
    await sleep(AFTER_SEC * 1000)
  }
  await Promise.all([logins.stop(), alarms.stop()])
  health.stop()
  sampler.stop()
  return { phases: run, samples: sampler.samples, missingAlerts: alarms.missing() }
}

/** The caps the gateway works out for this open-file limit (gateway/limits/fd-budget.ts). */
function capsLine(): string {
  const limit = cfg.fdLimit > 0 ? cfg.fdLimit : openFileLimit()
  const caps = resolveConnectionCaps(GatewayEnv.parse({}), limit)
  const cap = (c: { total: number; perAddress: number }) => `${c.total} (${c.perAddress}/address)`
  return (
    `caps at ${limit} descriptors: HTTP ${cap(caps.http)}, MQTT ${cap(caps.mqtt)}, ` +
    `pending logins ${cap(caps.pendingLogins)}, live ${cap(caps.live)}`
  )
}

const token = () => ({ name: BENCH_TOKEN.name, token: BENCH_TOKEN.token })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** The non-zero firewatch_limit_hits_total samples, by limit. */
async function limitCounters(http: string): Promise<string[]> {
  const res = await fetch(`${http}/metrics`, { signal: AbortSignal.timeout(5_000) }).catch(() => null)
  if (!res?.ok) return ['(metrics unavailable)']
  const text = await res.text()
  const lines = text
    .split('\n')
    .filter((l) => l.startsWith('firewatch_limit_hits_total{') && !l.endsWith(' 0'))
  return lines.map((l) => l.replace('firewatch_limit_hits_total', ''))
}

const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(0))
const mb = (kb: number) => (kb / 1024).toFixed(0)

function phaseTable(run: readonly Phase[]): Table {
  return {
    head: [
      'phase',
      'max fds',
      'max RSS MB',
      'logins ok / failed',
      'login p99 ms',
      'alarms / alerts',
      'alert max ms',
      '/healthz ok / failed',
    ],
    rows: run.map(({ name, figures: f }) => [
      name,
      String(f.maxFds),
      mb(f.maxRssKb),
      `${f.logins} / ${f.loginFailures}`,
      ms(spread(f.loginMs).p99),
      `${f.alarms} / ${f.alertMs.length}`,
      ms(spread(f.alertMs).max),
      `${f.health} / ${f.healthFailures}`,
    ]),
  }
}

/** Prints the figures, writes them to tests/bench/out/exhaustion.md; 1 when an alert took over 1 s or never came. */
function report({ phases: run, samples, missingAlerts }: Run, counters: string[], alive: boolean): number {
  const alerts = run.flatMap((p) => p.figures.alertMs)
  const worst = spread(alerts).max
  const pass = missingAlerts === 0 && worst !== null && worst <= 1000
  const table = phaseTable(run)
  const details = [
    ...run.filter((p) => p.tally).map((p) => `${p.name}: ${p.tally}`),
    ...run.flatMap((p) => [...p.figures.failures].map(([why, n]) => `${p.name}: ${n} logins failed: ${why}`)),
    '',
    `max open fds ${Math.max(...samples.map((s) => s.fds ?? 0))}, max RSS ${mb(Math.max(...samples.map((s) => s.rssKb ?? 0)))} MB ` +
      `(gateway, sampled every 500 ms); gateway alive at the end: ${alive ? 'yes' : 'NO'}`,
    `fire alarm to alert: ${alerts.length} alerts, p50 ${ms(spread(alerts).p50)} ms, max ${ms(worst)} ms, ` +
      `${missingAlerts} missing: ${pass ? 'within 1 s' : 'NOT within 1 s'}`,
    `limit hits: ${counters.join(' ')}`,
    '',
    'timeline (every 2 s): s, fds, RSS MB, phase',
    ...samples
      .filter((_, i) => i % 4 === 0)
      .map(
        (s) =>
          `${(s.atMs / 1000).toFixed(0)}\t${s.fds ?? '-'}\t${s.rssKb === null ? '-' : mb(s.rssKb)}\t${s.phase}`,
      ),
  ]
  say(`${textTable(table)}\n`)
  for (const line of details) say(line)
  mkdirSync(join(repoRoot, 'tests/bench/out'), { recursive: true })
  const heading = [`### Exhaustion ${new Date().toISOString()}`, '', machineLine(), capsLine(), '']
  const md = [
    ...heading,
    markdownTable(table),
    '',
    ...details.map((l) => (l.includes('\t') ? `    ${l}` : l)),
  ]
  writeFileSync(join(repoRoot, 'tests/bench/out/exhaustion.md'), `${md.join('\n')}\n`)
  say('\nwrote tests/bench/out/exhaustion.md')
  return pass ? 0 : 1
}

function machineLine(): string {
  return (
    `${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, load average ` +
    `${os.loadavg()[0]!.toFixed(2)}, gateway under ulimit -n ${cfg.fdLimit || 'inherited'}`
  )
}

/** `npm run bench -- exhaustion`. */
export const runExhaustionBench = main

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`exhaustion: ${(err as Error).stack ?? err}\n`)
      process.exit(1)
    },
  )
}
