import { z } from 'zod'
import { ANALOGUE_QUANTITIES, fitText, PART_STATUS_BITS } from '../../ingest/gbt26875/index.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { PANEL_COMPONENT } from '../../ingest/site/site-schema.ts'
import { PartAddress } from '../../ingest/site/uitd-schema.ts'
import type { IssueSink } from './resolve-steps.ts'
import type { RawStep } from './scenario-schema.ts'
import type { PanelReport, TimelineStep } from './scenario-types.ts'

const STATE_BITS = PART_STATUS_BITS.filter((b) => b !== 'normal') as Exclude<
  (typeof PART_STATUS_BITS)[number],
  'normal'
>[]
const Byte = z.number().int().min(0).max(255)
/** A part the site does not declare, as its panel addresses it (`uitd:` steps). */
const Part = z
  .object({ systemType: Byte, systemAddress: Byte, partType: Byte, partAddress: PartAddress })
  .strict()

/** The fire panel steps (simulators/scenario/README.md "Fire panel steps"). */
export const PANEL_STEPS = {
  /** The part reports these status bits set (and no other): `[]` is back to normal. */
  panel: z
    .object({
      state: z.array(z.enum(STATE_BITS as [string, ...string[]])).default([]),
      /** Bit 0 clear: the part is under test. */
      test: z.boolean().default(false),
      /** The panel's text (31 bytes of GB 18030); default the device's label. */
      description: z.string().max(31).optional(),
      part: Part.optional(),
    })
    .strict(),
  /** An analogue value (type 3) in the standard's unit of the quantity (4 = pressure in MPa). */
  panel_value: z
    .object({
      quantity: z
        .number()
        .int()
        .refine((q) => ANALOGUE_QUANTITIES[q] !== undefined, 'a quantity type 1-12'),
      value: z.number(),
      part: Part.optional(),
    })
    .strict(),
} as const
export type PanelStepName = keyof typeof PANEL_STEPS

/**
 * A panel step: on panel components of the site (`device`, `devices`), or on a part the site does
 * not declare (`uitd` with `part`), whose reports then go to a placeholder as a real UITD's would.
 */
export function resolvePanelStep(
  raw: RawStep,
  verb: PanelStepName,
  site: SiteModel,
  issue: IssueSink,
): TimelineStep[] {
  const { at: _at, device: _d, devices: _ds, uitd: _u, do: _do, ...fields } = raw
  const parsed = PANEL_STEPS[verb].safeParse(fields)
  if (!parsed.success) {
    for (const i of parsed.error.issues) issue(i.path as (string | number)[], i.message)
    return []
  }
  const params = parsed.data as z.output<(typeof PANEL_STEPS)['panel']> &
    z.output<(typeof PANEL_STEPS)['panel_value']>
  const reports =
    raw.uitd !== undefined ? undeclared(raw, params.part, site, issue) : declared(raw, site, issue)
  return reports.map(({ uitd, part, label }) => {
    const what: PanelReport['what'] =
      verb === 'panel'
        ? {
            kind: 'state',
            state: params.state as never,
            test: params.test,
            description: fitText(params.description ?? label, 31),
          }
        : {
            kind: 'value',
            quantity: params.quantity,
            raw: Math.round(params.value / ANALOGUE_QUANTITIES[params.quantity]!.scale),
          }
    return { at: raw.at, devices: [], action: { type: 'panel', report: { uitd, part, what } }, label: verb }
  })
}

type Target = { uitd: PanelReport['uitd']; part: PanelReport['part']; label: string }

function declared(raw: RawStep, site: SiteModel, issue: IssueSink): Target[] {
  if ((raw.device === undefined) === (raw.devices === undefined)) {
    issue([], 'give exactly one of device, devices (panel components), or uitd with part')
    return []
  }
  const ids = raw.device !== undefined ? [raw.device] : raw.devices!
  const out: Target[] = []
  ids.forEach((id, j) => {
    const d = site.device(id)
    const path = raw.device !== undefined ? ['device'] : ['devices', j]
    if (d?.kind !== PANEL_COMPONENT) {
      issue(path, `${id} is not a panel component of the site (kind ${PANEL_COMPONENT})`)
      return
    }
    const uitd = site.uitd(d.panel.uitd)!
    const { systemType, systemAddress, partAddress } = d.panel
    out.push({
      uitd,
      part: { systemType, systemAddress, partType: d.panel.partType ?? 0, partAddress },
      label: d.label,
    })
  })
  return out
}

function undeclared(
  raw: RawStep,
  part: z.output<typeof Part> | undefined,
  site: SiteModel,
  issue: IssueSink,
): Target[] {
  const uitd = site.uitd(raw.uitd!)
  if (!uitd) issue(['uitd'], `no UITD ${raw.uitd} in the site`)
  if (raw.device !== undefined || raw.devices !== undefined) issue([], 'give uitd or device(s), not both')
  if (!part)
    issue(['part'], 'a uitd step names the part: { systemType, systemAddress, partType, partAddress }')
  return uitd && part ? [{ uitd, part, label: 'part' }] : []
}
