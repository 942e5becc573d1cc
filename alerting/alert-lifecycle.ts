import { FirewatchError } from '../ingest/error-codes.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { Alert, AlertHistoryEntry, AlertSignal, AlertTransition } from './alert.ts'
import { createIdGenerator } from './alert-id.ts'
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
}

const silent: Logger = { info() {}, warn() {}, error() {}, debug() {} }

export function createAlertLifecycle(options: LifecycleOptions): AlertLifecycle {
  const { store } = options
  const tx = transactions(options)
  const publish = publisher(options.log ?? silent, options.onTransition)
  const human = (run: HumanTx, what: string, id: string, actor: string, note: string | null) => {
    const outcome = guarded(what, () => run(id, actor, normaliseNote(note)))
    publish(outcome.transition)
    return outcome.alert
  }
  return {
    apply(signal) {
      const ts = guarded('applying an alert signal', () => tx.apply(signal))
      for (const t of ts) publish(t)
      return ts.at(-1) ?? null
    },
    group(id, headId) {
      const t = guarded('grouping an alert', () => tx.group(id, headId))
      publish(t)
      return t
    },
    closeTest(id, note) {
      const t = guarded('closing a test alert', () => tx.closeTest(id, note))
      publish(t)
      return t
    },
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
  }
}

type HumanTx = (id: string, actor: string, note: string | null) => HumanOutcome

/** The three write transactions, wrapped once (better-sqlite3 transaction functions are reusable). */
function transactions(options: LifecycleOptions) {
  const { store, clock } = options
  const within = options.withinTransaction
  const ctx: TransitionContext = {
    store,
    site: options.site,
    nextId: createIdGenerator(store.newestId()),
    now: () => clock.now(),
  }
  const single = <A extends unknown[]>(step: (...args: A) => AlertTransition | null) =>
    store.transaction((...args: A) => {
      const t = step(...args)
      if (t && within) within(t)
      return t
    })
  const human = (step: typeof acknowledgeAlert): HumanTx =>
    store.transaction((id: string, actor: string, note: string | null) => {
      const outcome = step(ctx, id, actor, note)
      if (outcome.transition && within) within(outcome.transition)
      return outcome
    })
  return {
    apply: store.transaction((signal: AlertSignal): AlertTransition[] => {
      const ended = endTestAlert(ctx, signal)
      const t = signal.type === 'raise' ? raiseAlert(ctx, signal) : clearAlert(ctx, signal)
      const ts = [ended, t].filter((x): x is AlertTransition => x !== null)
      if (within) for (const x of ts) within(x)
      return ts
    }),
    group: single((id: string, headId: string) => groupAlert(ctx, id, headId, clock.now())),
    closeTest: single((id: string, note: string) => closeTestAlert(ctx, id, clock.now(), note)),
    acknowledge: human(acknowledgeAlert),
    resolve: human(resolveAlert),
  }
}

function publisher(log: Logger, onTransition: (t: AlertTransition) => void) {
  return (t: AlertTransition | null): void => {
    if (!t) return
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
