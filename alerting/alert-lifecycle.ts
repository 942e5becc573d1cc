import { FirewatchError } from '../ingest/error-codes.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import type { Alert, AlertHistoryEntry, AlertSignal, AlertTransition } from './alert.ts'
import { createIdGenerator } from './alert-id.ts'
import type { AlertFilter, AlertStore } from './alert-store.ts'
import {
  acknowledgeAlert,
  clearAlert,
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
      const t = guarded('applying an alert signal', () => tx.apply(signal))
      publish(t)
      return t
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
  const human = (step: typeof acknowledgeAlert): HumanTx =>
    store.transaction((id: string, actor: string, note: string | null) => {
      const outcome = step(ctx, id, actor, note)
      if (outcome.transition && within) within(outcome.transition)
      return outcome
    })
  return {
    apply: store.transaction((signal: AlertSignal) => {
      const t = signal.type === 'raise' ? raiseAlert(ctx, signal) : clearAlert(ctx, signal)
      if (t && within) within(t)
      return t
    }),
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
