import { dirname, resolve } from 'node:path'
import { z } from 'zod'
import { checkRuleOverrides } from '../../alerting/check-rule-overrides.ts'
import { loadSite } from '../../ingest/site/load-site.ts'
import { SiteModel } from '../../ingest/site/site-model.ts'
import { isSensor, SiteFile } from '../../ingest/site/site-schema.ts'
import { loadYamlFile, parseYamlText, YamlFileError } from '../../ingest/site/yaml-file.ts'
import { defaultModelOf, MODELS } from '../models/model-catalog.ts'
import { seedOf } from '../models/prng.ts'
import { resolveAction, resolveExpectation } from './resolve-refs.ts'
import { type IssueSink, resolveStep } from './resolve-steps.ts'
import { type RawDevice, RawScenario } from './scenario-schema.ts'
import type { LoadedScenario, ScenarioDevice } from './scenario-types.ts'

export interface ScenarioOptions {
  /**
   * Another site file to play the scenario on instead of its own `site:` (e.g. the Chinese demo
   * site, which has the same ids as the English one); every reference is checked against it.
   */
  site?: string | undefined
}

/**
 * Reads and validates a scenario file. Every problem names the file, the line and the field
 * (`kitchen-fire.yaml:23 timeline[4].over: ...`), as site files do; a bad site file referenced
 * by the scenario is reported with its own file and line.
 */
export function loadScenario(file: string, options: ScenarioOptions = {}): LoadedScenario {
  const site = options.site === undefined ? undefined : resolve(options.site)
  return loadYamlFile(file, scenarioSchema(file, dirname(resolve(file)), site))
}

/** Same, from text; a relative site path is taken from baseDir. */
export function parseScenario(text: string, file = '<scenario>', baseDir = process.cwd()): LoadedScenario {
  return parseYamlText(text, scenarioSchema(file, baseDir), file)
}

/** Same, from an object built in code (no line numbers then). */
export function scenarioFromObject(
  value: unknown,
  file = '<scenario>',
  baseDir = process.cwd(),
): LoadedScenario {
  const result = scenarioSchema(file, baseDir).safeParse(value)
  if (result.success) return result.data
  throw new YamlFileError(
    file,
    result.error.issues.map((i) => `${file} ${i.path.map(String).join('.') || '(root)'}: ${i.message}`),
  )
}

/**
 * The scenario schema with its site references resolved (used through parseYamlText for lines);
 * `siteFile` replaces the scenario's own site.
 */
export function scenarioSchema(file: string, baseDir: string, siteFile?: string) {
  return RawScenario.transform((raw, ctx): LoadedScenario => {
    let failed = false
    const issue: IssueSink = (path, message) => {
      failed = true
      ctx.addIssue({ code: 'custom', path, message })
    }
    const site = resolveSite(siteFile ?? raw.site, baseDir, issue)
    if (site === null) return z.NEVER
    const devices = resolveDevices(raw, site, issue)
    const byId = new Map(devices.map((d) => [d.device.id, d]))
    const broken = new Set(raw.devices.map((d) => d.id).filter((id) => !byId.has(id)))
    const timeline = raw.timeline.flatMap((s, i) =>
      resolveStep(s, i, byId, raw.duration, issue, broken, site),
    )
    // Stable: steps given for the same time keep their written order.
    timeline.sort((a, b) => a.at - b.at)
    const actions = raw.actions.flatMap((a, i) => resolveAction(a, i, site, raw.duration, issue) ?? [])
    actions.sort((a, b) => a.at - b.at)
    const expectations = raw.expect.map((e, i) => resolveExpectation(e, i, site, raw.duration, issue))
    if (failed) return z.NEVER
    return {
      file,
      name: raw.name,
      description: raw.description,
      site,
      start: Date.parse(raw.start),
      durationMs: raw.duration,
      seed: raw.seed,
      devices,
      timeline,
      actions,
      expectations,
    }
  })
}

function resolveSite(
  site: string | Record<string, unknown>,
  baseDir: string,
  issue: IssueSink,
): SiteModel | null {
  let model: SiteModel
  if (typeof site === 'string') {
    const path = resolve(baseDir, site)
    try {
      model = loadSite(path)
    } catch (err) {
      const problems = err instanceof YamlFileError ? err.problems : [(err as Error).message]
      issue(['site'], `site file ${path} is invalid: ${problems.join('; ')}`)
      return null
    }
  } else {
    const parsed = SiteFile.safeParse(site)
    if (!parsed.success) {
      for (const i of parsed.error.issues) issue(['site', ...(i.path as (string | number)[])], i.message)
      return null
    }
    model = new SiteModel(parsed.data)
  }
  const problems = checkRuleOverrides(model)
  if (problems.length > 0) {
    issue(['site'], problems.join('; '))
    return null
  }
  return model
}

function resolveDevices(raw: RawScenario, site: SiteModel, issue: IssueSink): ScenarioDevice[] {
  const out: ScenarioDevice[] = []
  const listed = new Set<string>()
  raw.devices.forEach((d, i) => {
    const sd = resolveDevice(d, raw.seed, site, (path, message) => issue(['devices', i, ...path], message))
    if (listed.has(d.id)) issue(['devices', i, 'id'], `${d.id} is listed twice`)
    listed.add(d.id)
    if (sd) out.push(sd)
  })
  if (raw.background === 'all') {
    // Panel components report through their UITD (timeline `panel` steps), never over MQTT.
    for (const device of site.sensors) {
      if (listed.has(device.id) || device.disabled) continue
      const model = defaultModelOf(device.kind)
      const params = withHeartbeat(model.params.parse({}) as Record<string, unknown>, device.heartbeatSec, {})
      out.push({ device, model, params, seed: seedOf(raw.seed, device.id), listed: false })
    }
  }
  return out
}

function resolveDevice(d: RawDevice, seed: number, site: SiteModel, issue: IssueSink): ScenarioDevice | null {
  const device = site.device(d.id)
  if (!device) {
    issue(['id'], `no device ${d.id} in the site`)
    return null
  }
  if (!isSensor(device)) {
    issue(['id'], `${d.id} is a panel component: its UITD reports it (timeline \`do: panel\`), not a model`)
    return null
  }
  const model = d.model === undefined ? defaultModelOf(device.kind) : MODELS[d.model]
  if (model === undefined) {
    issue(['model'], `unknown model ${d.model} (models: ${Object.keys(MODELS).join(', ')})`)
    return null
  }
  if (model.kind !== device.kind) {
    issue(['model'], `model ${model.name} simulates a ${model.kind}; ${d.id} is a ${device.kind}`)
    return null
  }
  const params = model.params.safeParse(d.params)
  if (!params.success) {
    for (const i of params.error.issues) issue(['params', ...(i.path as (string | number)[])], i.message)
    return null
  }
  const data = withHeartbeat(params.data as Record<string, unknown>, device.heartbeatSec, d.params)
  return { device, model, params: data, seed: d.seed ?? seedOf(seed, d.id), listed: true }
}

/**
 * A device configured in the site for a heartbeat reports at that interval unless the scenario
 * says otherwise: the model's default could be slower and the device would then look offline.
 */
function withHeartbeat(
  params: Record<string, unknown>,
  heartbeatSec: number | undefined,
  given: Record<string, unknown>,
): Record<string, unknown> {
  if (heartbeatSec === undefined || given.reportSec !== undefined) return params
  return { ...params, reportSec: heartbeatSec }
}
