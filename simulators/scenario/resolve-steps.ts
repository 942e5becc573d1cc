import type { z } from 'zod'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { ModelEvent } from '../models/device-model.ts'
import type { OverlayStep } from '../models/metric-overlays.ts'
import type { ConnectionStep } from '../models/sim-device.ts'
import { formatDuration } from './duration.ts'
import { PANEL_STEPS, type PanelStepName, resolvePanelStep } from './resolve-panel-steps.ts'
import { GENERIC_STEPS, type GenericStepName, type RawStep } from './scenario-schema.ts'
import type { ScenarioDevice, StepAction, TimelineStep } from './scenario-types.ts'

export type IssueSink = (path: (string | number)[], message: string) => void

const OVERLAYS = new Set(['set', 'ramp', 'noise', 'spike', 'release'])
const CONNECTION = new Set(['disconnect', 'reconnect', 'silence', 'resume'])

/**
 * One timeline entry -> one step per target device (a behaviour's defaults may differ per model).
 * Problems go to `issue` with their path, so that they are reported with the file's line.
 */
export function resolveStep(
  raw: RawStep,
  index: number,
  simulated: ReadonlyMap<string, ScenarioDevice>,
  durationMs: number,
  issue: IssueSink,
  /** Listed devices that failed validation: already reported, so not reported again here. */
  broken: ReadonlySet<string> = new Set(),
  /** For the fire panel steps, whose parts are not simulated devices. */
  site?: SiteModel,
): TimelineStep[] {
  const here = (...path: (string | number)[]) => ['timeline', index, ...path]
  if (raw.at > durationMs) {
    issue(
      here('at'),
      `${formatDuration(raw.at)} is after the end of the scenario (${formatDuration(durationMs)})`,
    )
  }
  if (site && raw.do in PANEL_STEPS)
    return resolvePanelStep(raw, raw.do as PanelStepName, site, (path, message) =>
      issue(here(...path), message),
    )
  if (raw.uitd !== undefined)
    issue(here('uitd'), `only panel steps (${Object.keys(PANEL_STEPS).join(', ')}) take uitd`)
  const targets = targetsOf(raw, simulated, broken, (path, message) => issue(here(...path), message))
  const { at: _at, device: _d, devices: _ds, do: verb, ...fields } = raw
  if (verb in GENERIC_STEPS) {
    const action = genericAction(verb as GenericStepName, fields, (path, message) =>
      issue(here(...path), message),
    )
    return action === null
      ? []
      : targets.map((sd) => ({ at: raw.at, devices: [sd.device], action, label: verb }))
  }
  return behaviourSteps(raw.at, verb, fields, targets, (path, message) => issue(here(...path), message))
}

/** A model behaviour on each target, its fields checked against that target's model. */
function behaviourSteps(
  at: number,
  verb: string,
  fields: Record<string, unknown>,
  targets: readonly ScenarioDevice[],
  issue: IssueSink,
): TimelineStep[] {
  const steps: TimelineStep[] = []
  for (const sd of targets) {
    const schema = sd.model.behaviours[verb]
    if (schema === undefined) {
      const known = [...Object.keys(GENERIC_STEPS), ...Object.keys(sd.model.behaviours)].join(', ')
      issue(['do'], `"${verb}" is not a step for ${sd.device.id} (model ${sd.model.name}); steps: ${known}`)
      continue
    }
    const params = parsed(schema, fields, issue)
    if (params === null) continue
    const problem = sd.model.checkStep?.(sd.params, verb, params)
    if (problem) {
      issue([problem.field], problem.message)
      continue
    }
    steps.push({ at, devices: [sd.device], action: { type: 'behaviour', name: verb, params }, label: verb })
  }
  return steps
}

function targetsOf(
  raw: RawStep,
  simulated: ReadonlyMap<string, ScenarioDevice>,
  broken: ReadonlySet<string>,
  issue: IssueSink,
): ScenarioDevice[] {
  if ((raw.device === undefined) === (raw.devices === undefined)) {
    issue([], 'give exactly one of device, devices')
    return []
  }
  const ids = raw.device !== undefined ? [raw.device] : raw.devices!
  const out: ScenarioDevice[] = []
  ids.forEach((id, j) => {
    const sd = simulated.get(id)
    if (sd) out.push(sd)
    else if (!broken.has(id)) {
      const path = raw.device !== undefined ? ['device'] : ['devices', j]
      issue(
        path,
        `${id} is not simulated: list it under devices (or use background: all), and check the site`,
      )
    }
  })
  return out
}

function genericAction(
  verb: GenericStepName,
  fields: Record<string, unknown>,
  issue: IssueSink,
): StepAction | null {
  const params = parsed(GENERIC_STEPS[verb], fields, issue)
  if (params === null) return null
  if (OVERLAYS.has(verb)) return { type: 'overlay', step: { do: verb, ...params } as OverlayStep }
  if (CONNECTION.has(verb)) return { type: 'connection', step: { do: verb, ...params } as ConnectionStep }
  return { type: 'event', event: params as unknown as ModelEvent }
}

function parsed(
  schema: z.ZodType,
  fields: Record<string, unknown>,
  issue: IssueSink,
): Record<string, unknown> | null {
  const result = schema.safeParse(fields)
  if (result.success) return result.data as Record<string, unknown>
  for (const i of result.error.issues) issue(i.path as (string | number)[], i.message)
  return null
}
