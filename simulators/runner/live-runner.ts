import { setTimeout as sleep } from 'node:timers/promises'
import type { Alert } from '../../alerting/alert.ts'
import { formatDuration } from '../scenario/duration.ts'
import { loadScenario } from '../scenario/load-scenario.ts'
import { describeMatch } from '../scenario/resolve-refs.ts'
import type { LoadedScenario, PersonAction } from '../scenario/scenario-types.ts'
import { type AlertTimeField, evaluateExpectations, matchesAlert } from './expectations.ts'
import { LiveApi } from './live-api.ts'
import { epochOf, type RealClock, realClock } from './live-clock.ts'
import { LiveFleet } from './live-fleet.ts'
import { outageNotes, whenReachable } from './live-outages.ts'
import { LiveUitds } from './live-uitds.ts'
import type { ActionResult, ProgressListener, RunResult } from './run-result.ts'
import { ScenarioPlayer } from './scenario-player.ts'
import { SimulatorError } from './simulator-errors.ts'

export interface LiveOptions {
  mqttUrl: string
  httpUrl: string
  /** An API token that sees every building of the scenario (brigade or admin), to read alerts. */
  token: string
  /** Scenario seconds per real second (default 1). */
  speed?: number
  /** The gateway's GB/T 26875.3 port, for scenarios with fire panel steps (UITD_ENABLED=on). */
  uitd?: { host: string; port: number }
  /** The gateway's INGEST_MAX_SKEW_MS (default 300000): device ts must stay within it. */
  maxSkewMs?: number
  /** Real ms to wait after the last message before reading the alerts (default 500). */
  settleMs?: number
  /** Real ms of slack on expectation windows, scaled by the speed (default 250). */
  toleranceMs?: number
  onProgress?: ProgressListener
  clock?: RealClock
}

/**
 * Runs a scenario against a running gateway: one MQTT connection per simulated device, the
 * timeline paced in real time divided by `speed`, expectations checked through the HTTP API.
 *
 * Timing at speed > 1 (see simulators/scenario/README.md): device payload `ts` follow the
 * scenario timeline, so rules that hold on reading timestamps (hold times, rate windows) behave
 * as in virtual time. The ts run ahead of the wall clock, by (1 - 1/speed) of the scenario time;
 * they start half of that behind it so that the skew stays within +-half, which must fit the
 * gateway's INGEST_MAX_SKEW_MS. What the gateway times on its own clock (offline by silence or
 * by a Last Will's grace, a person's ack or resolve) is not compressed: it is mapped back to
 * scenario time as (t - start) x speed, so offline alerts arrive `speed` times later.
 */
export async function runScenarioLive(
  input: string | LoadedScenario,
  options: LiveOptions,
): Promise<RunResult> {
  const scenario = typeof input === 'string' ? loadScenario(input) : input
  const clock = options.clock ?? realClock
  const speed = options.speed ?? 1
  const lead = checkedLead(scenario, speed, options.maxSkewMs ?? 300_000)
  const began = clock.monotonic()
  const api = new LiveApi(options.httpUrl, options.token)
  const panels = scenario.timeline.some((s) => s.action.type === 'panel')
  if (panels && !options.uitd)
    throw new SimulatorError(
      'FGW_ERR_SIM_USAGE',
      `${scenario.name} has fire panel steps: give the gateway's UITD port`,
    )
  const notes = await preflight(scenario, api, speed)
  const fleet = new LiveFleet(options.mqttUrl, () => clock.monotonic())
  const uitds = new LiveUitds(options.uitd ?? null, scenario.site.timezone)
  try {
    await fleet.connectAll(scenario.devices.map((d) => d.device))
    const wallStart = clock.wall()
    const origin = Math.round(wallStart - lead / 2)
    const timing: Timing = { origin, wallStart, speed, monoStart: clock.monotonic() }
    const actions = await play(scenario, { fleet, uitds }, api, timing, clock, options.onProgress)
    const unacknowledged = await fleet.flush(FLUSH_MS)
    await uitds.flush()
    await sleep(options.settleMs ?? 500)
    // The gateway may still be restarting if it went down near the end of the run.
    const since = Math.min(timing.origin, wallStart) - 1_000
    const alerts = await whenReachable(() => api.alerts({ state: 'all', since }))
    const timeOf = await timeMapping(api, alerts, timing)
    const slack = (options.toleranceMs ?? 250) * speed
    const results = evaluateExpectations(scenario.expectations, alerts, timeOf, slack)
    notes.push(...outageNotes(fleet.outages, timing, clock.monotonic()))
    if (unacknowledged > 0) notes.push(`${unacknowledged} messages were never acknowledged by the gateway`)
    for (const e of fleet.errors.slice(0, 20)) notes.push(`mqtt: ${e}`)
    for (const e of uitds.errors.slice(0, 20)) notes.push(`uitd: ${e}`)
    return {
      scenario,
      mode: 'live',
      met: results.filter((r) => r.met),
      missed: results.filter((r) => !r.met),
      alerts,
      readings: fleet.readings,
      durationMs: clock.monotonic() - began,
      actions,
      notes,
      timeOf,
    }
  } finally {
    await fleet.close()
    await uitds.close()
  }
}

/**
 * How far device ts run ahead of the wall clock by the end: (1 - 1/speed) of the scenario.
 * Refused when half of it (the ts start half behind) would leave the gateway's skew window, with
 * what would fit said in the command's flags.
 */
function checkedLead(scenario: LoadedScenario, speed: number, maxSkewMs: number): number {
  if (!(speed > 0) || !Number.isFinite(speed)) {
    throw new SimulatorError('FGW_ERR_SIM_USAGE', `--speed must be a number > 0, not ${speed}`)
  }
  const lead = scenario.durationMs * (1 - 1 / speed)
  // A millisecond of slack for float noise: the limit speed the advice names must itself pass.
  if (Math.abs(lead) / 2 <= maxSkewMs + 1) return lead
  throw new SimulatorError('FGW_ERR_SIM_SKEW', skewAdvice(scenario, speed, maxSkewMs, Math.abs(lead) / 2))
}

/**
 * Why a speed does not fit, and the two ways out: the fastest speed that fits the gateway's skew
 * window (any speed does for scenarios up to twice the window), or a wider window for this speed.
 */
export function skewAdvice(
  scenario: LoadedScenario,
  speed: number,
  maxSkewMs: number,
  driftMs: number,
): string {
  // Rounded down to hundredths, after a rounding of the float noise (1 / (1 - 1/3) is 1.4999...).
  const fastest = Math.floor(Number((100 / (1 - (2 * maxSkewMs) / scenario.durationMs)).toFixed(6))) / 100
  const neededSec = Math.ceil(driftMs / 1000)
  return (
    `--speed ${speed} is too fast for ${scenario.name} (${formatDuration(scenario.durationMs)} long): device ` +
    `timestamps follow the scenario, so they would run up to ${formatDuration(driftMs)} off the gateway ` +
    `clock, beyond --max-skew ${formatDuration(maxSkewMs)} (the gateway's INGEST_MAX_SKEW_MS). ` +
    `Use --speed ${fastest} or less, or start the gateway with INGEST_MAX_SKEW_MS=${neededSec * 1000} ` +
    `and add --max-skew ${neededSec}s. Scenarios up to ${formatDuration(2 * maxSkewMs)} run at any --speed.`
  )
}

/** The timeline paced in real time / speed: messages over MQTT, people through the API. */
async function play(
  scenario: LoadedScenario,
  { fleet, uitds }: { fleet: LiveFleet; uitds: LiveUitds },
  api: LiveApi,
  timing: Timing,
  clock: RealClock,
  onProgress: ProgressListener | undefined,
): Promise<ActionResult[]> {
  const until = async (t: number) => {
    const wait = timing.monoStart + t / timing.speed - clock.monotonic()
    if (wait > 1) await sleep(wait)
  }
  const player = new ScenarioPlayer(scenario, timing.origin)
  const actions: ActionResult[] = []
  for (const m of player.start()) await fleet.send(m)
  for (let batch = player.next(); batch !== null; batch = player.next()) {
    await until(batch.t)
    // Panel reports carry the scenario timeline's time, as device payloads carry their ts.
    for (const p of batch.panel) uitds.send(p.report, timing.origin + p.t)
    for (const m of batch.messages) await fleet.send(m)
    for (const a of batch.actions) actions.push(await act(api, scenario, a, batch.t))
    onProgress?.(batch.t / scenario.durationMs)
  }
  await until(scenario.durationMs)
  onProgress?.(1)
  return actions
}

/** Warnings before the run: alerts already active on simulated devices absorb new raises as repeats. */
async function preflight(scenario: LoadedScenario, api: LiveApi, speed: number): Promise<string[]> {
  const notes: string[] = []
  const simulated = new Set(scenario.devices.map((d) => d.device.id))
  const active = (await api.alerts({ state: 'active' })).filter(
    (a) => a.device !== null && simulated.has(a.device),
  )
  if (active.length > 0) {
    notes.push(
      `${active.length} alerts were already active on simulated devices (${active
        .slice(0, 3)
        .map((a) => `${a.device} ${a.rule}`)
        .join(', ')}): a raise of the same rule only counts a repeat`,
    )
  }
  const offline = scenario.expectations.some(
    (e) => e.match.class === 'offline' || e.match.rule === 'device.offline',
  )
  if (offline && speed !== 1) {
    notes.push(
      `offline detection runs on the gateway clock: at speed ${speed} offline alerts come ${speed}x later`,
    )
  }
  return notes
}

/** A person's action through the API, with that person's token, on the newest matching active alert. */
async function act(
  api: LiveApi,
  scenario: LoadedScenario,
  a: PersonAction,
  t: number,
): Promise<ActionResult> {
  try {
    const visible = await api.alerts({ state: 'active' }, a.token)
    const alert = visible.find((al) => matchesAlert(al, a.match))
    if (!alert)
      return {
        action: a,
        at: t,
        ok: false,
        alertId: null,
        detail: `no active alert ${describeMatch(a.match)}`,
      }
    if (a.type === 'resolve_incident') await api.resolveIncident(alert, a)
    else await api.act(alert.id, a.type, a.token, a.note)
    return {
      action: a,
      at: t,
      ok: true,
      alertId: alert.id,
      detail: `${a.type} ${alert.rule} ${alert.device}`,
    }
  } catch (err) {
    return {
      action: a,
      at: t,
      ok: false,
      alertId: null,
      detail: `${scenario.name}: ${(err as Error).message}`,
    }
  }
}

/** Rules the gateway times on its own clock: offline by silence, the UITD's link and patrol checks. */
const GATEWAY_TIMED_RULES: ReadonlySet<string> = new Set([
  'device.offline',
  'uitd.offline',
  'uitd.patrol_missed',
])

interface Timing {
  origin: number
  wallStart: number
  speed: number
  /** The monotonic clock when the timeline started (pacing and outage times). */
  monoStart: number
}

/** How long the end of a run waits for publishes the gateway has not acknowledged yet. */
const FLUSH_MS = 60_000

/**
 * Scenario time of an alert instant. Instants the gateway took from a device's ts (readings and
 * events) map as t - origin; those it took from its own clock (offline raise and clear, a
 * person's ack or resolve) as (t - wallStart) x speed. Resolved alerts' history tells a clear
 * by the engine from a resolve by a person.
 */
async function timeMapping(api: LiveApi, alerts: readonly Alert[], timing: Timing) {
  const byPerson = new Set<string>()
  for (const a of alerts) {
    if (a.state !== 'resolved' || GATEWAY_TIMED_RULES.has(a.rule)) continue
    const { history } = await api.alert(a.id)
    if (history.some((h) => h.action === 'resolved')) byPerson.add(a.id)
  }
  return (alert: Alert, field: AlertTimeField): number | null => {
    const iso = alert[field]
    if (iso === null) return null
    const ms = epochOf(iso)
    const gatewayTimed =
      GATEWAY_TIMED_RULES.has(alert.rule) ||
      field === 'acknowledgedAt' ||
      (field === 'resolvedAt' && byPerson.has(alert.id))
    return Math.round(gatewayTimed ? (ms - timing.wallStart) * timing.speed : ms - timing.origin)
  }
}
