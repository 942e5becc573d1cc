import type { Alert } from '../../alerting/alert.ts'
import { formatDuration } from '../scenario/duration.ts'
import type { AlertMatch } from '../scenario/scenario-schema.ts'
import type { Expectation } from '../scenario/scenario-types.ts'

/** One expectation, judged against the alerts a run produced. Times are scenario ms from the start. */
export interface ExpectationResult {
  expectation: Expectation
  met: boolean
  /** When it was met (opens, acknowledged, resolves) or broken (never); null when neither. */
  at: number | null
  alertIds: string[]
  detail: string
}

export type AlertTimeField = 'openedAt' | 'acknowledgedAt' | 'resolvedAt'

/** Scenario time of an alert's instant; null when the alert has no such instant. */
export type AlertTimeOf = (alert: Alert, field: AlertTimeField) => number | null

export function matchesAlert(alert: Alert, match: AlertMatch): boolean {
  return (
    (match.class === undefined || alert.class === match.class) &&
    (match.device === undefined || alert.device === match.device) &&
    (match.rule === undefined || alert.rule === match.rule) &&
    (match.building === undefined || alert.building === match.building) &&
    (match.floor === undefined || alert.floor === match.floor) &&
    (match.zone === undefined || alert.zone === match.zone) &&
    (match.test === undefined || alert.tags.includes('test') === match.test) &&
    (match.grouped === undefined || (alert.groupedUnder !== null) === match.grouped)
  )
}

const FIELD: Record<'opens' | 'acknowledged' | 'resolves' | 'never', AlertTimeField> = {
  opens: 'openedAt',
  acknowledged: 'acknowledgedAt',
  resolves: 'resolvedAt',
  never: 'openedAt',
}

/**
 * Judges every expectation. `toleranceMs` widens the windows of opens / acknowledged / resolves
 * on both sides (live runs: network and scheduling delays, scaled by the speed); `never` windows
 * are never widened, so a tolerance cannot hide an alert.
 */
export function evaluateExpectations(
  expectations: readonly Expectation[],
  alerts: readonly Alert[],
  timeOf: AlertTimeOf,
  toleranceMs = 0,
): ExpectationResult[] {
  return expectations.map((e) => evaluate(e, alerts, timeOf, e.kind === 'never' ? 0 : toleranceMs))
}

function evaluate(
  e: Expectation,
  alerts: readonly Alert[],
  timeOf: AlertTimeOf,
  slack: number,
): ExpectationResult {
  const candidates = alerts.filter((a) => matchesAlert(a, e.match))
  if (e.kind === 'active') {
    const active = candidates.filter((a) => a.state !== 'resolved')
    const met = active.length > 0
    return result(
      e,
      met,
      null,
      active,
      met ? `${active.length} still active` : activeMiss(candidates, timeOf),
    )
  }
  const field = FIELD[e.kind]
  const hits = hitsOf(candidates, field, e, slack, timeOf)
  const first = hits[0]?.at ?? null
  const hitAlerts = hits.map((h) => h.alert)
  if (e.kind === 'never') {
    const detail = hits.length === 0 ? 'none' : `${hits.length} opened: ${describeAlerts(hitAlerts)}`
    return result(e, hits.length === 0, first, hitAlerts, detail)
  }
  if (e.count !== null) {
    const met = hits.length === e.count
    const detail = `${hits.length} in the window${met ? '' : outside(candidates, field, timeOf)}`
    return result(e, met, first, hitAlerts, detail)
  }
  if (e.minRepeats !== null) return repeatsResult(e, hits)
  if (hits.length > 0) return result(e, true, first, hitAlerts, hitAlerts[0]!.id)
  return result(e, false, null, [], `not in the window${outside(candidates, field, timeOf)}`)
}

interface Hit {
  alert: Alert
  at: number
}

/** The candidates whose instant falls in the window (widened by slack), earliest first. */
function hitsOf(
  candidates: readonly Alert[],
  field: AlertTimeField,
  e: Expectation,
  slack: number,
  timeOf: AlertTimeOf,
): Hit[] {
  const hits: Hit[] = []
  for (const alert of candidates) {
    const at = timeOf(alert, field)
    if (at !== null && at >= e.window.from - slack && at <= e.window.to + slack) hits.push({ alert, at })
  }
  return hits.sort((a, b) => a.at - b.at)
}

function repeatsResult(e: Expectation, hits: readonly Hit[]): ExpectationResult {
  const repeated = hits.filter((h) => h.alert.repeats >= e.minRepeats!)
  const alerts = hits.map((h) => h.alert)
  const detail =
    repeated.length > 0
      ? `repeats ${repeated[0]!.alert.repeats}`
      : `repeats at most ${Math.max(0, ...alerts.map((a) => a.repeats))}`
  return result(e, repeated.length > 0, repeated[0]?.at ?? hits[0]?.at ?? null, alerts, detail)
}

function result(
  expectation: Expectation,
  met: boolean,
  at: number | null,
  alerts: readonly Alert[],
  detail: string,
): ExpectationResult {
  return { expectation, met, at, alertIds: alerts.map((a) => a.id), detail }
}

/** Where the matching alerts were instead, so that a miss says what did happen. */
function outside(candidates: readonly Alert[], field: AlertTimeField, timeOf: AlertTimeOf): string {
  if (candidates.length === 0) return '; no matching alert at all'
  const times = candidates.map((a) => timeOf(a, field)).filter((t): t is number => t !== null)
  if (times.length === 0) return `; ${candidates.length} matching, none ${verb(field)}`
  const shown = times
    .sort((a, b) => a - b)
    .slice(0, 5)
    .map(formatDuration)
  return `; matching ${verb(field)} at ${shown.join(', ')}${times.length > 5 ? ', ...' : ''}`
}

function activeMiss(candidates: readonly Alert[], timeOf: AlertTimeOf): string {
  if (candidates.length === 0) return 'no matching alert at all'
  const resolved = candidates.map((a) => timeOf(a, 'resolvedAt')).filter((t): t is number => t !== null)
  return `all resolved (${resolved.map(formatDuration).join(', ')})`
}

function verb(field: AlertTimeField): string {
  return field === 'openedAt' ? 'opened' : field === 'acknowledgedAt' ? 'acknowledged' : 'resolved'
}

function describeAlerts(alerts: readonly Alert[]): string {
  const shown = alerts.slice(0, 3).map((a) => `${a.device ?? `(${a.scope})`} ${a.rule}`)
  return `${shown.join(', ')}${alerts.length > 3 ? `, +${alerts.length - 3}` : ''}`
}
