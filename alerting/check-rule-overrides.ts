import type { RuleOverride, SiteModel } from '../ingest/index.ts'
import { ALL_RULE_IDS, RULES_BY_KIND } from './rule-catalog.ts'

/**
 * Rule overrides must name real rules, and a device's overrides rules of its kind: a typo
 * in the site file must stop start-up, not silently keep a default threshold.
 */
export function checkRuleOverrides(site: SiteModel): string[] {
  const problems: string[] = []
  const known = new Set(ALL_RULE_IDS)
  const check = (where: string, rules: Record<string, RuleOverride>, allowed: ReadonlySet<string>) => {
    for (const id of Object.keys(rules)) {
      if (!known.has(id))
        problems.push(`${where}.rules.${id}: unknown rule (known: ${ALL_RULE_IDS.join(', ')})`)
      else if (!allowed.has(id))
        problems.push(`${where}.rules.${id}: rule does not apply to this device kind`)
    }
  }
  check('rules', site.file.rules, known)
  for (const [i, b] of site.buildings.entries()) check(`buildings[${i}]`, b.rules, known)
  for (const [i, d] of site.devices.entries()) {
    check(`devices[${i}]`, d.rules, new Set(RULES_BY_KIND[d.kind].map((r) => r.id)))
  }
  return problems
}
