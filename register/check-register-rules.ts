import { parseMetricName } from '../ingest/metrics-catalog.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { REGISTER_RULE_IDS } from './register-part.ts'

/**
 * What the site file's `register:` names that JSON Schema cannot check: rule ids (of the rule
 * catalogue, the fire-aware rules and the patrol check) and metric names. A problem stops start-up,
 * as a bad rule override does.
 */
export function checkRegisterRules(site: SiteModel): string[] {
  const problems: string[] = []
  const { fromAlerts, verify } = site.file.register
  const rules = (where: string, ids: readonly string[]) => {
    for (const [j, id] of ids.entries())
      if (!REGISTER_RULE_IDS.has(id)) problems.push(`${where}.rules[${j}]: unknown rule ${id}`)
  }
  for (const [i, f] of fromAlerts.entries()) rules(`register.fromAlerts[${i}]`, f.rules)
  for (const [i, v] of verify.entries()) {
    rules(`register.verify[${i}]`, v.rules)
    if (v.metric !== undefined && parseMetricName(v.metric) === null)
      problems.push(`register.verify[${i}].metric: unknown metric ${v.metric}`)
  }
  return problems
}
