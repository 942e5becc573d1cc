import type { SiteModel } from '../ingest/index.ts'
import type { Alert, AlertSignal, AlertTransition, HistoryAction } from './alert.ts'
import type { IdGenerator } from './alert-id.ts'
import { alertMessage } from './alert-message.ts'
import { type AlertRecord, alertFromRecord } from './alert-record.ts'
import type { AlertStore } from './alert-store.ts'

// The alert state machine. Every function here runs inside one store transaction opened by the
// lifecycle, so a check and the write that depends on it cannot be interleaved.

export const SYSTEM_ACTOR = 'system'

export interface TransitionContext {
  store: AlertStore
  site: SiteModel
  nextId: IdGenerator
  now: () => number
}

/** The answer to a person's action: the alert (undefined if unknown) and the change, if any. */
export interface HumanOutcome {
  alert: Alert | undefined
  transition: AlertTransition | null
}

/** raise: opens an alert or counts a repeat of the active one (one per device and rule, docs/protocol.md). */
export function raiseAlert(ctx: TransitionContext, signal: AlertSignal): AlertTransition {
  const current = ctx.store.findActive(signal.device, signal.rule)
  if (current) {
    const next: AlertRecord = {
      ...current,
      value: signal.value,
      threshold: signal.threshold,
      updatedAt: signal.at,
      repeats: current.repeats + 1,
      latched: current.latched || signal.latched,
      detail: signal.detail ?? current.detail,
      // A derived alert's evidence grows (a third detector, another floor): the newest list wins.
      evidence: signal.evidence ? [...signal.evidence] : current.evidence,
      groupedUnder: current.groupedUnder ?? signal.groupedUnder ?? null,
    }
    // The message quotes the value, so it follows the latest one.
    next.message = alertMessage(ctx.site, next)
    ctx.store.update(next)
    return record(
      ctx,
      next,
      'repeated',
      SYSTEM_ACTOR,
      signal.at,
      signal.detail,
      signal.value,
      signal.receivedAt,
    )
  }
  const opened = newRecord(ctx, signal)
  ctx.store.insert(opened)
  return record(
    ctx,
    opened,
    'opened',
    SYSTEM_ACTOR,
    signal.at,
    signal.detail,
    signal.value,
    signal.receivedAt,
  )
}

function newRecord(ctx: TransitionContext, signal: AlertSignal): AlertRecord {
  return {
    id: ctx.nextId(ctx.now()),
    building: signal.building,
    floor: signal.floor,
    zone: signal.zone,
    device: signal.device,
    class: signal.class,
    rule: signal.rule,
    metric: signal.metric,
    value: signal.value,
    threshold: signal.threshold,
    state: 'open',
    openedAt: signal.at,
    acknowledgedAt: null,
    resolvedAt: null,
    updatedAt: signal.at,
    message: alertMessage(ctx.site, signal),
    latched: signal.latched,
    repeats: 0,
    detail: signal.detail,
    scope: signal.scope ?? 'device',
    evidence: signal.evidence ? [...signal.evidence] : [],
    tags: signal.tags ? [...signal.tags] : [],
    groupedUnder: signal.groupedUnder ?? null,
    // The incident keeper files it in the same transaction (alerting/incidents/).
    incidentId: null,
  }
}

/**
 * A real (untagged) raise while the active alert of its scope and rule is a test one: the test
 * alert is closed first, so the real condition opens a new alert that is notified. Without this
 * a fire right after a test would be absorbed as a repeat of the silent test alert.
 */
export function endTestAlert(ctx: TransitionContext, signal: AlertSignal): AlertTransition | null {
  if (signal.type !== 'raise' || signal.tags?.includes('test')) return null
  const current = ctx.store.findActive(signal.device, signal.rule)
  if (!current?.tags.includes('test')) return null
  const next: AlertRecord = { ...current, state: 'resolved', resolvedAt: signal.at, updatedAt: signal.at }
  ctx.store.update(next)
  const note = 'test alert closed: the condition is reported outside any test window'
  return record(ctx, next, 'cleared', SYSTEM_ACTOR, signal.at, note, signal.value, signal.receivedAt)
}

/** Storm control: puts an active alert under a group head; it is then not notified on its own. */
export function groupAlert(
  ctx: TransitionContext,
  id: string,
  headId: string,
  at: number,
): AlertTransition | null {
  const current = ctx.store.findRecord(id)
  if (!current || current.state === 'resolved' || current.groupedUnder !== null || id === headId) return null
  const next: AlertRecord = { ...current, groupedUnder: headId, updatedAt: at }
  ctx.store.update(next)
  return record(ctx, next, 'grouped', SYSTEM_ACTOR, at, `grouped under ${headId}`, null, null)
}

/** A test window ended: its alerts are closed by the system, so conditions still present raise again. */
export function closeTestAlert(
  ctx: TransitionContext,
  id: string,
  at: number,
  note: string,
): AlertTransition | null {
  const current = ctx.store.findRecord(id)
  if (!current || current.state === 'resolved' || !current.tags.includes('test')) return null
  const next: AlertRecord = { ...current, state: 'resolved', resolvedAt: at, updatedAt: at }
  ctx.store.update(next)
  return record(ctx, next, 'resolved', SYSTEM_ACTOR, at, note, null, null)
}

/** clear: resolves the active alert unless it is latched ([FIRE-RULE-1] fire alarms wait for a person). */
export function clearAlert(ctx: TransitionContext, signal: AlertSignal): AlertTransition | null {
  const current = ctx.store.findActive(signal.device, signal.rule)
  if (!current || current.latched || signal.latched) return null
  // value keeps the alarm value as evidence; the clearing value goes into the history entry.
  const next: AlertRecord = { ...current, state: 'resolved', resolvedAt: signal.at, updatedAt: signal.at }
  ctx.store.update(next)
  return record(ctx, next, 'cleared', SYSTEM_ACTOR, signal.at, signal.detail, signal.value, signal.receivedAt)
}

export function acknowledgeAlert(
  ctx: TransitionContext,
  id: string,
  actor: string,
  note: string | null,
): HumanOutcome {
  const current = ctx.store.findRecord(id)
  if (!current) return { alert: undefined, transition: null }
  const now = ctx.now()
  if (current.state !== 'open') {
    // Idempotent: a repeated ack changes nothing, but a note given with it is kept.
    if (current.state === 'acknowledged') addNoteOnce(ctx, id, actor, note, now)
    return { alert: alertFromRecord(current), transition: null }
  }
  const next: AlertRecord = { ...current, state: 'acknowledged', acknowledgedAt: now, updatedAt: now }
  ctx.store.update(next)
  const transition = record(ctx, next, 'acknowledged', actor, now, note, null, null)
  return { alert: transition.alert, transition }
}

export function resolveAlert(
  ctx: TransitionContext,
  id: string,
  actor: string,
  note: string | null,
): HumanOutcome {
  const current = ctx.store.findRecord(id)
  if (!current) return { alert: undefined, transition: null }
  const now = ctx.now()
  if (current.state === 'resolved') {
    addNoteOnce(ctx, id, actor, note, now)
    return { alert: alertFromRecord(current), transition: null }
  }
  const next: AlertRecord = { ...current, state: 'resolved', resolvedAt: now, updatedAt: now }
  ctx.store.update(next)
  const transition = record(ctx, next, 'resolved', actor, now, note, null, null)
  return { alert: transition.alert, transition }
}

function record(
  ctx: TransitionContext,
  alert: AlertRecord,
  action: HistoryAction,
  actor: string,
  at: number,
  note: string | null,
  value: number | null,
  causeReceivedAt: number | null,
): AlertTransition {
  ctx.store.appendHistory(alert.id, { at, action, actor, note, value })
  return { action, alert: alertFromRecord(alert), actor, at, causeReceivedAt }
}

/** A retried request (same actor, same note) must not add the note twice. */
function addNoteOnce(ctx: TransitionContext, id: string, actor: string, note: string | null, at: number) {
  if (note === null) return
  const last = ctx.store.lastHistory(id)
  if (last && last.actor === actor && last.note === note) return
  ctx.store.appendHistory(id, { at, action: 'note', actor, note, value: null })
}
