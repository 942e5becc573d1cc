import { ALERT_RULE_IDS as ALL_RULE_IDS } from '../../alerting/fire/fire-rule-ids.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { formatDuration } from './duration.ts'
import type { IssueSink } from './resolve-steps.ts'
import { type AlertMatch, EXPECTATION_KINDS, type RawAction, type RawExpectation } from './scenario-schema.ts'
import type { Expectation, PersonAction } from './scenario-types.ts'

const RULES = new Set(ALL_RULE_IDS)

/** An alert filter must name things that exist: a typo must fail the load, not pass a `never`. */
export function checkMatch(match: AlertMatch, site: SiteModel, issue: IssueSink): void {
  // A UITD's own alerts (uitd.offline, uitd.patrol_missed) carry its id where a device's carry the device's.
  if (match.device !== undefined && !site.device(match.device) && !site.uitd(match.device))
    issue(['device'], `no device ${match.device} in the site (nor a UITD)`)
  if (match.building !== undefined && !site.building(match.building)) {
    issue(['building'], `no building ${match.building} in the site`)
  }
  if (match.rule !== undefined && !RULES.has(match.rule)) {
    issue(['rule'], `unknown rule ${match.rule} (known: ${ALL_RULE_IDS.join(', ')})`)
  }
}

export function resolveAction(
  raw: RawAction,
  index: number,
  site: SiteModel,
  durationMs: number,
  issue: IssueSink,
): PersonAction | null {
  const here = (...path: (string | number)[]) => ['actions', index, ...path]
  const type = raw.ack !== undefined ? 'ack' : raw.resolve !== undefined ? 'resolve' : 'resolve_incident'
  const match = (raw.ack ?? raw.resolve ?? raw.resolveIncident)!
  checkMatch(match, site, (path, message) => issue(here(type, ...path), message))
  if (raw.at > durationMs) issue(here('at'), `${formatDuration(raw.at)} is after the end of the scenario`)
  const token = site.file.apiTokens.find((t) => t.name === raw.as || t.token === raw.as)
  if (!token) {
    issue(
      here('as'),
      `no API token ${raw.as} in the site (tokens: ${site.file.apiTokens.map((t) => t.name).join(', ')})`,
    )
    return null
  }
  return {
    at: raw.at,
    type,
    match,
    disposition: raw.disposition ?? null,
    cause: raw.cause ?? null,
    tokenName: token.name,
    token: token.token,
    note: raw.note ?? null,
  }
}

export function resolveExpectation(
  raw: RawExpectation,
  index: number,
  site: SiteModel,
  durationMs: number,
  issue: IssueSink,
): Expectation {
  const kind = EXPECTATION_KINDS.find((k) => raw[k] !== undefined) ?? 'opens'
  const match = raw[kind] ?? {}
  checkMatch(match, site, (path, message) => issue(['expect', index, kind, ...path], message))
  const window = raw.within ?? { from: 0, to: durationMs }
  if (window.to > durationMs) {
    issue(['expect', index, 'within'], `the window ends after the scenario (${formatDuration(durationMs)})`)
  }
  return {
    kind,
    match,
    window,
    count: raw.count ?? null,
    minRepeats: raw.minRepeats ?? null,
    why: raw.why ?? null,
    label: `${kind} ${describeMatch(match)}${raw.count === undefined ? '' : ` x${raw.count}`}`,
  }
}

/** "fire smoke.alarm ta-12-smoke-03", or "any alert". */
export function describeMatch(match: AlertMatch): string {
  const parts = [
    match.class,
    match.rule,
    match.device,
    match.building,
    match.floor === undefined ? undefined : `floor ${match.floor}`,
    match.zone === undefined ? undefined : `zone ${match.zone}`,
    match.test === undefined ? undefined : match.test ? 'test' : 'not test',
    match.grouped === undefined ? undefined : match.grouped ? 'grouped' : 'not grouped',
  ].filter((p) => p !== undefined)
  return parts.length > 0 ? parts.join(' ') : 'any alert'
}
