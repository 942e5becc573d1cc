import type { SiteModel, WatchRule } from '../../ingest/index.ts'
import { type RuleParams, type RuleSpec, ruleSpec } from '../rule-catalog.ts'
import type { Tighten } from '../rules/device-rules.ts'
import type { ActiveWatch } from './watch-periods.ts'

/**
 * What the active watches do to rules and escalation, per building. A watch only ever makes a rule
 * more sensitive: of the normal value and the watch's, the more sensitive one applies (a lower
 * 'above' threshold, a higher 'below' one, a shorter hold, fewer samples), so a device whose own
 * setting is already stricter keeps it. Several watches at once: the most sensitive of all.
 */
export interface WatchTuning {
  tighten: Tighten
  /** Escalation ack timeouts are multiplied by this (1 = unchanged). */
  escalationFactor(building: string): number
  /** The active watches of a building, for the wall and `GET /api/v1/buildings`. */
  watchesOf(building: string): ActiveWatch[]
}

export function watchTuning(active: readonly ActiveWatch[]): WatchTuning {
  const of = (building: string) =>
    active.filter((w) => w.buildings === null || w.buildings.includes(building))
  return {
    tighten(building, spec, base) {
      let params = base
      for (const w of of(building)) {
        const o = w.watch.rules[spec.id]
        if (o) params = tightened(spec, params, o)
      }
      return params
    },
    escalationFactor: (building) => Math.min(1, ...of(building).map((w) => w.watch.escalationFactor)),
    watchesOf: of,
  }
}

export function tightened(spec: RuleSpec, p: RuleParams, o: WatchRule): RuleParams {
  if (spec.type !== 'above' && spec.type !== 'below') return p
  const sensitive = spec.type === 'above' ? Math.min : Math.max
  return {
    ...p,
    threshold: o.threshold === undefined ? p.threshold : sensitive(p.threshold, o.threshold),
    clear: o.clear === undefined ? p.clear : sensitive(p.clear, o.clear),
    holdSec: o.holdSec === undefined ? p.holdSec : Math.min(p.holdSec, o.holdSec),
    samples: o.samples === undefined ? p.samples : Math.min(p.samples, o.samples),
  }
}

/** Watches may name threshold rules only (levels and holds); anything else stops start-up. */
export function checkWatchRules(site: SiteModel): string[] {
  const problems: string[] = []
  for (const [i, w] of site.file.schedules.watches.entries()) {
    for (const id of Object.keys(w.rules)) {
      const spec = ruleSpec(id)
      if (!spec) problems.push(`schedules.watches[${i}].rules.${id}: unknown rule`)
      else if (spec.type !== 'above' && spec.type !== 'below')
        problems.push(`schedules.watches[${i}].rules.${id}: a watch tightens threshold rules only`)
    }
  }
  return problems
}
