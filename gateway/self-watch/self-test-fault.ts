import type { AlertLifecycle } from '../../alerting/alert-lifecycle.ts'
import type { Logger } from '../../alerting/deps.ts'
import { buildingKey } from '../../alerting/fire/scope-key.ts'
import {
  SELF_TEST_FAILED_RULE,
  type SelfTestFailure,
  selfTestFailedSignal,
  selfTestFailureText,
} from '../../alerting/self-test-rule.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'

export interface SelfTestFaultDeps {
  /** The site file's site: the fault is raised in its buildings, which people watch. */
  site: SiteModel
  lifecycle: AlertLifecycle
  clock: { now(): number }
  log: Logger
}

/**
 * The self_test.failed alert (class fault) in every building of the site: paged, on the wall, in
 * the API like any alert, since the watch over each building is at stake. Raised where it is not
 * active yet, cleared where it is. Returns false when the alert store did not take every change
 * (the caller tries again at the next self-test).
 */
export function raiseSelfTestFault(deps: SelfTestFaultDeps, failure: SelfTestFailure): boolean {
  const detail = selfTestFailureText(deps.site.locale, failure)
  return eachBuilding(deps, 'raise', (active) => !active, detail)
}

export function clearSelfTestFault(deps: SelfTestFaultDeps): boolean {
  return eachBuilding(deps, 'clear', (active) => active, null)
}

function eachBuilding(
  deps: SelfTestFaultDeps,
  type: 'raise' | 'clear',
  wanted: (active: boolean) => boolean,
  detail: string | null,
): boolean {
  let done = true
  for (const building of deps.site.buildings) {
    try {
      const active = deps.lifecycle.findActive(buildingKey(building.id), SELF_TEST_FAILED_RULE) !== undefined
      if (!wanted(active)) continue
      deps.lifecycle.apply(selfTestFailedSignal(type, building, deps.clock.now(), detail))
    } catch (err) {
      done = false
      deps.log.error({ err, building: building.id }, `self-test fault: ${type} failed`)
    }
  }
  return done
}
