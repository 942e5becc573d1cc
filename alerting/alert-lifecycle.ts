import { FirewatchError, type SiteModel } from '../ingest/index.ts'
import type { Alert, AlertHistoryEntry, AlertSignal, AlertTransition } from './alert.ts'
import { createIdGenerator, type IdGenerator } from './alert-id.ts'
import { alertFromRecord } from './alert-record.ts'
import type { AlertFilter, AlertStore } from './alert-store.ts'
import {
  acknowledgeAlert,
  clearAlert,
  closeTestAlert,
  endTestAlert,
  groupAlert,
  type HumanOutcome,
  raiseAlert,
  resolveAlert,
  type TransitionContext,
} from './alert-transitions.ts'
import type { Clock, Logger } from './deps.ts'
import type { IncidentTransition } from './incidents/incident.ts'
import { createIncidentDesk, type DeskOutcome, type IncidentDesk } from './incidents/incident-desk.ts'
import type { Followed, IncidentKeeper } from './incidents/incident-keeper.ts'

export interface LifecycleOptions {
  store: AlertStore
  site: SiteModel
  clock: Clock
  log?: Logger
  /** Called after the transaction committed (publish to MQTT, live wall...). Errors are logged. */
  onTransition: (t: AlertTransition) => void
  /**
   * Called inside the transaction, before commit, e.g. to queue notification jobs in the outbox
   * of the same SQLite file (`store.db`). Throwing rolls the whole change back.
   */
  withinTransaction?: (t: AlertTransition) => void
  /** Files alerts into incidents in the same transactions (alerting/incidents/). */
  incidents?: IncidentKeeper
  /** Inside the transaction, for each incident transition (after the alert ones). */
  withinIncident?: (t: IncidentTransition) => void
  /** After commit, for each incident transition. Errors are logged. */
  onIncident?: (t: IncidentTransition) => void
  /** Ids of new alerts; default random ones after the newest stored (a cluster partition's are deterministic). */
  nextId?: IdGenerator
}

export interface AlertLifecycle {
  /** Synchronous, one SQLite transaction; null when the signal changes nothing. */
  apply(signal: AlertSignal): AlertTransition | null
  /** undefined = no such alert. Idempotent. */
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  /** undefined = no such alert. Idempotent. */
  resolve(id: string, actor: string, note: string | null): Alert | undefined
  get(id: string): Alert | undefined
  history(id: string): AlertHistoryEntry[]
  list(filter: AlertFilter): Alert[]
  active(): Alert[]
  /** Storm control: puts an active alert under a group head; null when nothing changed. */
  group(id: string, headId: string): AlertTransition | null
  /** A test window ended: closes a test-tagged alert (by the system); null when nothing changed. */
  closeTest(id: string, note: string): AlertTransition | null
  /** The active alert of a scope key (device id or alerting/fire/scope-key.ts) and rule. */
  findActive(key: string, rule: string): Alert | undefined
  /** The incidents the alerts belong to; empty without an incident keeper. */
  incidents: IncidentDesk
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} }

export function createAlertLifecycle(options: LifecycleOptions): AlertLifecycle {
  const { store } = options
  const tx = transactions(options)
  const publish = publisher(options.log ?? silent, options.onTransition, options.onIncident)
  const human = (run: HumanTx, what: string, id: string, actor: string, note: string | null) => {
    const outcome = guarded(what, () => run(id, actor, normaliseNote(note)))
    publish(outcome.followed)
    return outcome.alert && (store.get(outcome.alert.id) ?? outcome.alert)
  }
  const single = (what: string, run: () => Followed) => {
    const followed = guarded(what, run)
    publish(followed)
    return followed.alerts[0] ?? null
  }
  return {
    apply(signal) {
      const followed = guarded('applying an alert signal', () => tx.apply(signal))
      publish(followed)
      return followed.alerts[followed.lead - 1] ?? null
    },
    group: (id, headId) => single('grouping an alert', () => tx.group(id, headId)),
    closeTest: (id, note) => single('closing a test alert', () => tx.closeTest(id, note)),
    findActive(key, rule) {
      const r = store.findActive(key, rule)
      return r && alertFromRecord(r)
    },
    acknowledge: (id, actor, note) => human(tx.acknowledge, 'acknowledging an alert', id, actor, note),
    resolve: (id, actor, note) => human(tx.resolve, 'resolving an alert', id, actor, note),
    get: (id) => store.get(id),
    history: (id) => store.history(id),
    list: (filter) => store.list(filter),
    active: () => store.active(),
    incidents: createIncidentDesk({
      store,
      keeper: options.incidents,
      run: (what, fn) => {
        const followed = guarded(what, () => tx.incident(fn))
        if (followed !== undefined && typeof followed !== 'string') publish(followed)
        return followed
      },
      context: tx.context,
      normaliseNote,
    }),
  }
}

type HumanTx = (
  id: string,
  actor: string,
  note: string | null,
) => { alert: HumanOutcome['alert']; followed: Followed }

/** The write transactions, wrapped once (better-sqlite3 transaction functions are reusable). */
function transactions(options: LifecycleOptions) {
  const { store, clock } = options
  const within = options.withinTransaction
  const ctx: TransitionContext = {
    store,
    site: options.site,
    nextId: options.nextId ?? createIdGenerator(store.newestId()),
    now: () => clock.now(),
  }
  // Every change goes through here inside its transaction: incidents follow the alerts, then the
  // transaction's observers (the outbox) see the alert transitions and the incident ones.
  const follow = (ts: AlertTransition[]): Followed & { lead: number } => {
    const followed = options.incidents ? options.incidents.follow(ctx, ts) : { alerts: ts, incidents: [] }
    if (within) for (const t of followed.alerts) within(t)
    if (options.withinIncident) for (const t of followed.incidents) options.withinIncident(t)
    return { ...followed, lead: ts.length }
  }
  const single = <A extends unknown[]>(step: (...args: A) => AlertTransition | null) =>
    store.transaction((...args: A) => follow(present([step(...args)])))
  const human = (step: typeof acknowledgeAlert): HumanTx =>
    store.transaction((id: string, actor: string, note: string | null) => {
      const outcome = step(ctx, id, actor, note)
      return { alert: outcome.alert, followed: follow(present([outcome.transition])) }
    })
  return {
    context: ctx,
    apply: store.transaction((signal: AlertSignal) => {
      const ended = endTestAlert(ctx, signal)
      const t = signal.type === 'raise' ? raiseAlert(ctx, signal) : clearAlert(ctx, signal)
      return follow(present([ended, t]))
    }),
    group: single((id: string, headId: string) => groupAlert(ctx, id, headId, clock.now())),
    closeTest: single((id: string, note: string) => closeTestAlert(ctx, id, clock.now(), note)),
    acknowledge: human(acknowledgeAlert),
    resolve: human(resolveAlert),
    /** An incident-wide action of the desk, with the same observers inside its transaction. */
    incident: store.transaction((fn: (ctx: TransitionContext) => DeskOutcome): DeskOutcome => {
      const result = fn(ctx)
      if (result === undefined || typeof result === 'string') return result
      if (within) for (const t of result.alerts) within(t)
      if (options.withinIncident) for (const t of result.incidents) options.withinIncident(t)
      return result
    }),
  }
}

function present(ts: (AlertTransition | null)[]): AlertTransition[] {
  return ts.filter((t): t is AlertTransition => t !== null)
}

function publisher(
  log: Logger,
  onTransition: (t: AlertTransition) => void,
  onIncident: ((t: IncidentTransition) => void) | undefined,
) {
  return (followed: Followed): void => {
    for (const t of followed.alerts) {
      const fields = { alertId: t.alert.id, device: t.alert.device, rule: t.alert.rule, actor: t.actor }
      if (t.action === 'repeated') log.debug(fields, 'alert repeated')
      else log.info({ ...fields, action: t.action }, 'alert changed')
      try {
        onTransition(t)
      } catch (err) {
        // The change is committed; a failing listener must not undo it or stop the caller.
        log.error({ err, alertId: t.alert.id, action: t.action }, 'alert transition listener failed')
      }
    }
    for (const t of followed.incidents) {
      log.info({ incidentId: t.incident.id, action: t.action, actor: t.actor }, 'incident changed')
      try {
        onIncident?.(t)
      } catch (err) {
        log.error({ err, incidentId: t.incident.id, action: t.action }, 'incident transition listener failed')
      }
    }
  }
}

function guarded<R>(what: string, fn: () => R): R {
  try {
    return fn()
  } catch (err) {
    throw new FirewatchError('FGW_ERR_ALERT_STORE', `${what} failed`, { cause: err })
  }
}

/** A blank note from a form is no note. */
function normaliseNote(note: string | null): string | null {
  const trimmed = note?.trim()
  return trimmed ? trimmed : null
}
