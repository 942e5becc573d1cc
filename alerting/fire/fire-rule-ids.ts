import type { AlertClass } from '../alert.ts'
import { ALL_RULE_IDS } from '../rule-catalog.ts'

/** The rules of the fire-aware layer (alerting/fire/): not per device, so not in RULES_BY_KIND. */
export const FIRE_CONFIRMED = 'fire.confirmed'
export const FIRE_SPREAD = 'fire.spread'
export const FLOOR_OFFLINE = 'floor.offline'

export interface DerivedRule {
  id: string
  class: AlertClass
  title: string
}

export const DERIVED_RULES: readonly DerivedRule[] = [
  { id: FIRE_CONFIRMED, class: 'fire', title: 'Fire confirmed' },
  { id: FIRE_SPREAD, class: 'fire', title: 'Fire spreading between floors' },
  { id: FLOOR_OFFLINE, class: 'offline', title: 'Floor offline' },
]

const titles = new Map(DERIVED_RULES.map((r) => [r.id, r.title]))

export function derivedRuleTitle(id: string): string | undefined {
  return titles.get(id)
}

/** Every rule id an alert can carry: the device rules and the derived ones. */
export const ALERT_RULE_IDS: readonly string[] = [...ALL_RULE_IDS, ...DERIVED_RULES.map((r) => r.id)]
