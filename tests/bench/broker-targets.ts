import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { waitForListening } from '../support/free-port.ts'
import { type ChildGroup, freePort, type Spawned } from './child-processes.ts'

/**
 * `aedes-echo` is bare aedes that answers each device event with an alert message and does nothing
 * else (tests/bench/bare-aedes.ts --echo-events): the latency floor of a broker on this machine under this load.
 */
export const TARGET_NAMES = ['aedes', 'aedes-echo', 'mosquitto', 'gateway'] as const
export type TargetName = (typeof TARGET_NAMES)[number]

export interface BenchContext {
  group: ChildGroup
  repoRoot: string
  /** Temp dir of this bench run: configs, logs, gateway data. */
  dir: string
  siteFile: string
}

export interface Target {
  name: TargetName
  process: Spawned
  url: string
  /** The gateway's HTTP base; null for the baselines. */
  http: string | null
}

const MOSQUITTO = '/usr/sbin/mosquitto'
const START_TIMEOUT_MS = 60_000

/** Why a target cannot run on this machine, or null when it can. */
export function unavailable(name: TargetName, repoRoot: string): string | null {
  if (name === 'mosquitto' && !existsSync(MOSQUITTO)) return `${MOSQUITTO} is not installed`
  if (name === 'gateway' && !existsSync(join(repoRoot, 'gateway/main.ts')))
    return 'gateway/main.ts does not exist'
  return null
}

/** For the gateway: more variables, and an open-file limit to start it under (`ulimit -n`). */
export interface GatewayExtras {
  env?: Record<string, string>
  fdLimit?: number
}

/** Starts a fresh broker process of the given kind; `label` names its log file. */
export async function startTarget(
  name: TargetName,
  ctx: BenchContext,
  label: string,
  extras: GatewayExtras = {},
): Promise<Target> {
  const port = await freePort()
  const url = `mqtt://127.0.0.1:${port}`
  if (name === 'aedes' || name === 'aedes-echo') {
    const echo = name === 'aedes-echo' ? ['--echo-events'] : []
    const args = ['--import', 'tsx', 'tests/bench/bare-aedes.ts', String(port), ...echo]
    const p = ctx.group.spawn(label, process.execPath, args, { cwd: ctx.repoRoot })
    await p.waitForLine(/^listening \d+/, START_TIMEOUT_MS)
    return { name, process: p, url, http: null }
  }
  if (name === 'mosquitto') {
    const conf = join(ctx.dir, `${label}.conf`)
    // `user root` stops 2.x from dropping to the mosquitto user, which cannot read the temp dir.
    const lines = [
      `listener ${port} 127.0.0.1`,
      'allow_anonymous true',
      'persistence false',
      'log_dest stderr',
    ]
    writeFileSync(conf, `${[...lines, 'log_type error', 'log_type warning', 'user root'].join('\n')}\n`)
    const p = ctx.group.spawn(label, MOSQUITTO, ['-c', conf], { cwd: ctx.dir })
    await waitForListening({
      what: 'mosquitto',
      port,
      timeoutMs: START_TIMEOUT_MS,
      exited: () => (p.alive() ? null : 'an exit'),
    })
    return { name, process: p, url, http: null }
  }
  const httpPort = await freePort()
  const dataDir = join(ctx.dir, `${label}-data`)
  mkdirSync(dataDir, { recursive: true })
  const http = `http://127.0.0.1:${httpPort}`
  // node --import tsx rather than npx: the pid we measure is then the gateway itself (sh execs it).
  const node = [process.execPath, '--import', 'tsx', 'gateway/main.ts']
  const [command, ...args] =
    extras.fdLimit === undefined
      ? node
      : ['sh', '-c', `ulimit -n ${extras.fdLimit} && exec "$0" "$@"`, ...node]
  const p = ctx.group.spawn(label, command!, args, {
    cwd: ctx.repoRoot,
    env: {
      ...process.env,
      MQTT_PORT: String(port),
      HTTP_PORT: String(httpPort),
      BIND_HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      FIREWATCH_SITE: ctx.siteFile,
      LOG_LEVEL: 'warn',
      // Links in notifications (the notify bench's webhooks) point back at this gateway.
      PUBLIC_URL: http,
      // The benches' alarm devices repeat fire_alarm every second or faster, above a device's
      // repeat budget (README "Limits"): each must reach the alert topic to be timed.
      MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE: '600',
      ...extras.env,
    },
  })
  await waitForHealthy(http, START_TIMEOUT_MS, p)
  return { name, process: p, url, http }
}

/** True when GET /healthz answers 200 within `timeoutMs`. */
export async function healthy(http: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(`${http}/healthz`, { signal: AbortSignal.timeout(timeoutMs) })
    return res.status === 200
  } catch {
    return false
  }
}

async function waitForHealthy(http: string, timeoutMs: number, p: Spawned): Promise<void> {
  const end = Date.now() + timeoutMs
  while (Date.now() < end) {
    if (!p.alive()) throw new Error(`the gateway exited during start-up:\n${p.tail()}`)
    if (await healthy(http, 1000)) return
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`the gateway did not answer GET /healthz 200 within ${timeoutMs} ms:\n${p.tail()}`)
}

/** Reads samples from the gateway's /metrics (Prometheus text); empty when unavailable. */
export async function gatewayCounters(http: string, token: string): Promise<Map<string, number>> {
  const counters = new Map<string, number>()
  try {
    const res = await fetch(`${http}/metrics`, {
      headers: { authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(5000),
    })
    if (res.status !== 200) return counters
    for (const line of (await res.text()).split('\n')) {
      // Samples of one name are summed over their labels.
      const match = line.match(/^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{[^}]*\})? ([0-9.eE+-]+)$/)
      if (match) counters.set(match[1]!, (counters.get(match[1]!) ?? 0) + Number(match[2]))
    }
  } catch {
    // Counters are a diagnostic; their absence is reported as n/a.
  }
  return counters
}
