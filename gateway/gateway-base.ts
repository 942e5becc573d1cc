import type { Logger } from 'pino'
import { checkRuleOverrides } from '../alerting/check-rule-overrides.ts'
import { checkWatchRules } from '../alerting/schedules/watch-tuning.ts'
import { loadSite } from '../ingest/site/load-site.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { checkRegisterRules } from '../register/check-register-rules.ts'
import { systemClock } from './clock.ts'
import type { GatewayEnv } from './config.ts'
import { prepareDataDir } from './data-dir.ts'
import { createGatewayMetrics } from './metrics.ts'
import { checkSmsTemplates } from './notify-wiring.ts'
import { createRootLogger } from './root-logger.ts'
import { newProbeLogin, type ProbeLogin, withSelfTestProbe } from './self-watch/self-test-site.ts'

// What gateway/gateway.ts builds every part from, made before any part.

export interface GatewayOptions {
  clock?: { now(): number }
  log?: Logger
  /** Where `secret: { env: NAME }` in the site file is read from (main.ts passes process.env). */
  secretEnv?: Readonly<Record<string, string | undefined>>
}

/** What every part is built from. */
export interface Base {
  env: GatewayEnv
  clock: { now(): number }
  log: Logger
  site: SiteModel
  /** The site with the self-test building and probe (gateway/self-watch/self-test-site.ts). */
  alarmSite: SiteModel
  probe: ProbeLogin
  metrics: ReturnType<typeof createGatewayMetrics>
}

/** The clock, log, checked site and metrics; and the site as the alarm path sees it, with the probe. */
export function createBase(env: GatewayEnv, options: GatewayOptions): Base {
  const clock = options.clock ?? systemClock
  const log = options.log ?? createRootLogger(env.LOG_LEVEL)
  const site = loadCheckedSite(env, options, clock)
  prepareDataDir(env.DATA_DIR, log)
  const metrics = createGatewayMetrics()
  metrics.countBearerChecksFrom(site.bearerChecks)
  // The alarm path and the broker also know the self-test probe; people's views never do.
  const probe = newProbeLogin()
  return { env, clock, log, site, metrics, probe, alarmSite: withSelfTestProbe(site, probe, clock) }
}

/**
 * The site file, with its rule overrides and watch rules checked, and the SMS templates the
 * configuration gives for the site's languages: a bad one stops start-up (exit 78 from main.ts).
 */
function loadCheckedSite(env: GatewayEnv, options: GatewayOptions, clock: { now(): number }): SiteModel {
  const site = loadSite(env.FIREWATCH_SITE, options.secretEnv, { clock })
  const ruleProblems = [...checkRuleOverrides(site), ...checkWatchRules(site), ...checkRegisterRules(site)]
  if (ruleProblems.length > 0) throw new Error(`${env.FIREWATCH_SITE}:\n  ${ruleProblems.join('\n  ')}`)
  checkSmsTemplates(env, site)
  return site
}
