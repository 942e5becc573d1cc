import { type AlarmPath, createAlarmPath, type TransitionObserver } from '../../alerting/alarm-path.ts'
import type { Alert, AlertTransition } from '../../alerting/alert.ts'
import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import { AlertStore } from '../../alerting/alert-store.ts'
import type { Logger } from '../../alerting/deps.ts'
import type { Engine } from '../../alerting/engine.ts'
import { Decoder } from '../../ingest/decoder.ts'
import { IngestPipeline, type IngestSink } from '../../ingest/ingest-pipeline.ts'
import { canSeeBuilding } from '../../ingest/site/site-model.ts'
import type { SimMessage } from '../models/sim-device.ts'
import { loadScenario } from '../scenario/load-scenario.ts'
import { describeMatch } from '../scenario/resolve-refs.ts'
import type { LoadedScenario, PersonAction } from '../scenario/scenario-types.ts'
import { type AlertTimeField, evaluateExpectations, matchesAlert } from './expectations.ts'
import { epochOf, realClock } from './live-clock.ts'
import { ManualClock } from './manual-clock.ts'
import type { ActionResult, ProgressListener, RunResult } from './run-result.ts'
import { type PanelMessage, ScenarioPlayer } from './scenario-player.ts'
import { type VirtualSchedule, virtualCron } from './virtual-cron.ts'
import { virtualPanel } from './virtual-panel.ts'

export interface VirtualOptions {
  onProgress?: ProgressListener
  /** Alert store file; default ':memory:' (the same SQLite schema and statements as on disk). */
  alertDb?: string
  /** More consumers of the ingest pipeline, after the engine, on the run's own alert store. */
  sinks?: (store: AlertStore) => IngestSink[]
  /**
   * Joins every alert transaction, as the gateway's notifier does (e.g. the real notify hook, to
   * count the notification jobs a storm produces).
   */
  withinTransaction?: (store: AlertStore, clock: ManualClock) => (t: AlertTransition) => void
  /**
   * Joins the run as the gateway's notifier joins the gateway (e.g. the real notifier, to count the
   * pages, updates and all-clears of each incident): see RunParticipant.
   */
  participant?: (run: { store: AlertStore; clock: ManualClock; alarm: AlarmPath }) => RunParticipant
}

/** What joins a virtual run beside the alarm path. */
export interface RunParticipant {
  /** Observes the alarm path: alert and incident transitions, inside their transaction and after. */
  observer?: TransitionObserver
  /** After the alarm path's tick, every virtual second (e.g. escalation in virtual time). */
  tick?(now: number): void
  /** Once the timeline is over and its expectations are evaluated, before the run's store closes. */
  finish?(): void
  /** Scheduled work (the gateway's node-cron jobs), run at its virtual minutes and awaited. */
  schedule?: VirtualSchedule
}

/** The gateway's defaults (gateway/config.ts); in virtual time device ts equals receipt time. */
const DECODER = { maxPayloadBytes: 16_384, maxSkewMs: 300_000 }
const TICK_MS = 1_000
const MAX_ALERTS = 1_000_000

/**
 * Runs a scenario in virtual time through the real ingest path and the gateway's own alarm path
 * (alerting/alarm-path.ts): every payload goes as a Buffer through Decoder + IngestPipeline into
 * the same engine, fire-aware layer and lifecycle, on an AlertStore and a ManualClock. The alarm
 * path ticks every virtual second, as the gateway's does every real one.
 */
export async function runScenarioVirtual(
  input: string | LoadedScenario,
  options: VirtualOptions = {},
): Promise<RunResult> {
  const scenario = typeof input === 'string' ? loadScenario(input) : input
  const began = realClock.monotonic()
  const origin = scenario.start
  const clock = new ManualClock(origin)
  const store = AlertStore.open(options.alertDb ?? ':memory:', { synchronous: 'normal' })
  try {
    const harness = createHarness(scenario, clock, store, options)
    const actions = await play(scenario, clock, harness, options.onProgress)
    const alerts = harness.lifecycle.list({ states: ['open', 'acknowledged', 'resolved'], limit: MAX_ALERTS })
    const timeOf = (alert: Alert, field: AlertTimeField) => {
      const iso = alert[field]
      return iso === null ? null : epochOf(iso) - origin
    }
    const results = evaluateExpectations(scenario.expectations, alerts, timeOf)
    // After the expectations: they speak of the timeline, not of what a participant does after it.
    harness.finish()
    return {
      scenario,
      mode: 'virtual',
      met: results.filter((r) => r.met),
      missed: results.filter((r) => !r.met),
      alerts,
      incidents: harness.lifecycle.incidents.list({
        states: ['open', 'acknowledged', 'resolved'],
        limit: MAX_ALERTS,
      }),
      readings: harness.readings(),
      durationMs: realClock.monotonic() - began,
      actions,
      notes: harness.notes,
      timeOf,
    }
  } finally {
    store.close()
  }
}

/**
 * The whole timeline, in order; engine.tick at every virtual second in between, and scheduled work
 * at the minutes it is due (awaited: only then is anything asynchronous).
 */
async function play(
  scenario: LoadedScenario,
  clock: ManualClock,
  harness: Harness,
  onProgress: ProgressListener | undefined,
): Promise<ActionResult[]> {
  const origin = scenario.start
  const player = new ScenarioPlayer(scenario, origin)
  const actions: ActionResult[] = []
  let lastTick = 0
  const tickUntil = async (t: number) => {
    for (; lastTick + TICK_MS <= t; lastTick += TICK_MS) {
      const now = origin + lastTick + TICK_MS
      clock.advanceTo(now)
      harness.tick(now)
      const due = harness.scheduled(now)
      if (due) await due
    }
  }
  for (const m of player.start()) harness.deliver(m)
  let reported = 0
  for (let batch = player.next(); batch !== null; batch = player.next()) {
    await tickUntil(batch.t)
    clock.advanceTo(origin + batch.t)
    for (const p of batch.panel) await harness.panel(p)
    for (const m of batch.messages) harness.deliver(m)
    for (const a of batch.actions) actions.push(harness.act(a, batch.t))
    if (onProgress && batch.t - reported >= scenario.durationMs / 200) {
      reported = batch.t
      onProgress(batch.t / scenario.durationMs)
    }
  }
  await tickUntil(scenario.durationMs)
  clock.advanceTo(origin + scenario.durationMs)
  onProgress?.(1)
  return actions
}

interface Harness {
  engine: Engine
  lifecycle: AlertLifecycle
  tick(now: number): void
  deliver(m: SimMessage): void
  /** A fire panel's report through its UITD, decoded and dispatched in-process. */
  panel(p: PanelMessage): Promise<void>
  act(a: PersonAction, t: number): ActionResult
  readings(): number
  finish(): void
  /** The scheduled work due at a virtual second, or null. */
  scheduled(now: number): Promise<void> | null
  notes: string[]
}

/** The gateway's alarm path and ingest pipeline, with the run's own counters after them. */
function createHarness(
  scenario: LoadedScenario,
  clock: ManualClock,
  store: AlertStore,
  options: VirtualOptions,
): Harness {
  const { site } = scenario
  const notes: string[] = []
  let readings = 0
  const alarm = createAlarmPath({ site, store, clock, log: collectErrors(notes) })
  const withinTransaction = options.withinTransaction?.(store, clock)
  if (withinTransaction) alarm.observe({ withinTransaction })
  const participant = options.participant?.({ store, clock, alarm })
  if (participant?.observer) alarm.observe(participant.observer)
  const cron = participant?.schedule ? virtualCron(participant.schedule, notes) : null
  const extraSinks = options.sinks?.(store) ?? []
  const pipeline = new IngestPipeline(
    new Decoder(DECODER),
    [
      alarm.sink,
      {
        readingsAccepted: (rs) => {
          readings += rs.length
        },
      },
      ...extraSinks,
    ],
    ({ sink, error }) => notes.push(`ingest sink ${sink} failed: ${(error as Error).message}`),
  )
  const panel = virtualPanel(site, pipeline, DECODER.maxSkewMs)
  return {
    engine: alarm.engine,
    lifecycle: alarm.alerts,
    tick: (now) => {
      alarm.tick(now)
      participant?.tick?.(now)
    },
    finish: () => participant?.finish?.(),
    scheduled: (now) => cron?.due(now) ?? null,
    deliver: deliverer(pipeline, clock, notes),
    panel: async (p) => {
      try {
        await panel(p.report, clock.now())
      } catch (err) {
        notes.push(`panel report of ${p.report.uitd.id} not taken: ${(err as Error).message}`)
      }
    },
    act: (a, t) => actOn(alarm, scenario, a, t),
    readings: () => readings,
    notes,
  }
}

/** A device message into the pipeline, as the broker hands it over (gateway/mqtt/broker.ts). */
function deliverer(pipeline: IngestPipeline, clock: ManualClock, notes: string[]) {
  return (m: SimMessage): void => {
    const now = clock.now()
    const { device } = m
    if (m.type === 'connect') {
      pipeline.sessionStarted(device.id)
      pipeline.statusObserved({
        device: device.id,
        building: device.building,
        status: 'online',
        source: 'connection',
        at: now,
      })
      return
    }
    if (m.type === 'disconnect') {
      // A lost connection: the broker publishes the device's retained `offline` Last Will.
      if (m.will) pipeline.handle(device, 'status', Buffer.from('offline'), now)
      return
    }
    const outcome = pipeline.handle(device, m.type, Buffer.from(m.payload), now)
    for (const p of outcome.problems) notes.push(`${device.id} ${m.type}: ${p.code} ${p.detail}`)
  }
}

/** A person acts on the newest active alert matching, as the HTTP API would let the token. */
function actOn(alarm: AlarmPath, scenario: LoadedScenario, a: PersonAction, t: number): ActionResult {
  const lifecycle = alarm.alerts
  const principal = scenario.site.principalForToken(a.token)
  const alert = lifecycle
    .active()
    .filter((al) => matchesAlert(al, a.match) && principal !== null && canSeeBuilding(principal, al.building))
    .sort((x, y) => (x.openedAt < y.openedAt ? 1 : -1))[0]
  if (!alert)
    return { action: a, at: t, ok: false, alertId: null, detail: `no active alert ${describeMatch(a.match)}` }
  // Resolving through the alarm path re-arms the rule, as the API does: a condition still present raises again.
  if (a.type === 'ack') lifecycle.acknowledge(alert.id, a.tokenName, a.note)
  else if (a.type === 'resolve') lifecycle.resolve(alert.id, a.tokenName, a.note)
  else {
    const res = { disposition: a.disposition, cause: a.cause, note: a.note }
    const outcome =
      alert.incident === null ? undefined : lifecycle.incidents.resolve(alert.incident, a.tokenName, res)
    if (outcome === undefined || outcome === 'disposition') {
      const why =
        outcome === 'disposition' ? 'a fire incident needs a disposition' : 'the alert has no incident'
      return { action: a, at: t, ok: false, alertId: alert.id, detail: why }
    }
  }
  return {
    action: a,
    at: t,
    ok: true,
    alertId: alert.id,
    detail: `${a.type} ${alert.rule} ${alert.device ?? alert.scope}`,
  }
}

/** Errors of the fire-aware layer become run notes (a scenario with notes fails its test). */
function collectErrors(notes: string[]): Logger {
  const ignore = () => {}
  return {
    info: ignore,
    debug: ignore,
    warn: ignore,
    error: (obj, msg) => notes.push(`${msg ?? 'error'}: ${String((obj as { err?: unknown }).err ?? '')}`),
  }
}
