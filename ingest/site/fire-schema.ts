import { z } from 'zod'
import { CronExpression } from './cron-expression.ts'

// The fire-aware rules of the site file (docs/rules.md): confirmation, spread, storm control, floor
// offline and test / maintenance windows. All optional with defaults; every default that is not a
// code figure is an engineering choice ([ENG] in docs/rules.md), explained where it is set.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')
const Floor = z.number().int().min(-20).max(300)

/** Where a window applies: a building, or a floor, zone or device of it (the narrowest given). */
export const WindowTarget = z
  .object({
    building: Id,
    floor: Floor.optional(),
    zone: z.string().min(1).max(64).optional(),
    device: Id.optional(),
  })
  .strict()
export type WindowTarget = z.infer<typeof WindowTarget>

/**
 * A window opened by a cron expression: five fields in the site's time zone, read as the
 * schedules read theirs (cron-expression.ts).
 */
export const ScheduledWindow = WindowTarget.extend({
  id: Id,
  reason: z.string().min(1).max(200),
  cron: CronExpression,
  durationMin: z.number().int().min(1).max(1440),
}).strict()
export type ScheduledWindow = z.infer<typeof ScheduledWindow>

export const FireSettings = z
  .object({
    confirmation: z
      .object({
        enabled: z.boolean().default(true),
        // [ENG] Smoke reaches a second detector of the zone, and a fire heats a circuit, within a
        // few minutes; 5 min keeps slow smouldering fires while unrelated events rarely coincide.
        windowSec: z.number().int().min(10).max(3600).default(300),
      })
      .strict()
      .default({ enabled: true, windowSec: 300 }),
    spread: z
      .object({
        enabled: z.boolean().default(true),
        // [ENG] Vertical spread through a shaft or a façade takes minutes; 15 min links the floors
        // of one incident, not two unrelated alarms hours apart.
        windowSec: z.number().int().min(30).max(7200).default(900),
        /** Floors this far apart (in storeys) are adjacent. */
        adjacentFloors: z.number().int().min(1).max(5).default(1),
      })
      .strict()
      .default({ enabled: true, windowSec: 900, adjacentFloors: 1 }),
    storm: z
      .object({
        enabled: z.boolean().default(true),
      })
      .strict()
      .default({ enabled: true }),
    floorOffline: z
      .object({
        enabled: z.boolean().default(true),
        // [ENG] A power or network loss of a floor takes most devices at once; battery-backed
        // devices may stay up, so 80 % and at least 3 devices going offline within 2 min.
        minDevices: z.number().int().min(2).max(10_000).default(3),
        share: z.number().gt(0).max(1).default(0.8),
        windowSec: z.number().int().min(10).max(3600).default(120),
      })
      .strict()
      .default({ enabled: true, minDevices: 3, share: 0.8, windowSec: 120 }),
    windows: z
      .object({
        // [ENG] Test mode must time out by itself, e.g. after 4 h.
        defaultMin: z.number().int().min(1).max(1440).default(240),
        maxMin: z.number().int().min(1).max(10_080).default(1440),
        // [ENG] A device reporting `test` (end-of-line test valve, test button) is put in a window
        // this long: long enough for the flow and its pressure recovery, short enough not to mask.
        deviceTestMin: z.number().int().min(0).max(240).default(10),
        schedule: z.array(ScheduledWindow).default([]),
      })
      .strict()
      .default({ defaultMin: 240, maxMin: 1440, deviceTestMin: 10, schedule: [] }),
    /** Per zone: which electrical monitors feed it and which sprinkler branches serve it. */
    zones: z
      .array(
        z
          .object({
            building: Id,
            zone: z.string().min(1).max(64),
            circuits: z.array(Id).optional(),
            sprinklers: z.array(Id).optional(),
          })
          .strict(),
      )
      .default([]),
    /** Risers and shafts: fire on any two of these floors is spread, adjacent or not. */
    shafts: z.array(z.object({ id: Id, building: Id, floors: z.array(Floor).min(2) }).strict()).default([]),
  })
  .strict()
export type FireSettings = z.infer<typeof FireSettings>

export const fireShape = {
  fire: FireSettings.default(FireSettings.parse({})),
}

interface FireParts {
  buildings: { id: string }[]
  devices: { id: string; building: string; zone: string }[]
  fire: FireSettings
}

/** Buildings and devices named in `fire:` must exist; window ids must be unique. */
export function checkFireReferences(site: FireParts, ctx: z.RefinementCtx): void {
  const buildings = new Set(site.buildings.map((b) => b.id))
  const devices = new Map(site.devices.map((d) => [d.id, d.building]))
  const building = (path: (string | number)[], id: string) => {
    if (!buildings.has(id)) ctx.addIssue({ code: 'custom', path, message: `unknown building ${id}` })
  }
  const device = (path: (string | number)[], id: string, inBuilding: string) => {
    const b = devices.get(id)
    if (b === undefined) ctx.addIssue({ code: 'custom', path, message: `unknown device ${id}` })
    else if (b !== inBuilding)
      ctx.addIssue({ code: 'custom', path, message: `device ${id} is not in ${inBuilding}` })
  }
  const zones = new Set(site.devices.map((d) => `${d.building}/${d.zone}`))
  const zone = (path: (string | number)[], id: string, inBuilding: string) => {
    if (!zones.has(`${inBuilding}/${id}`))
      ctx.addIssue({ code: 'custom', path, message: `no device of ${inBuilding} is in zone ${id}` })
  }
  for (const [i, z] of site.fire.zones.entries()) {
    building(['fire', 'zones', i, 'building'], z.building)
    zone(['fire', 'zones', i, 'zone'], z.zone, z.building)
    for (const [j, d] of (z.circuits ?? []).entries())
      device(['fire', 'zones', i, 'circuits', j], d, z.building)
    for (const [j, d] of (z.sprinklers ?? []).entries())
      device(['fire', 'zones', i, 'sprinklers', j], d, z.building)
  }
  for (const [i, s] of site.fire.shafts.entries()) building(['fire', 'shafts', i, 'building'], s.building)
  const ids = new Set<string>()
  site.fire.windows.schedule.forEach((w, i) => {
    const path = ['fire', 'windows', 'schedule', i]
    building([...path, 'building'], w.building)
    if (w.device !== undefined) device([...path, 'device'], w.device, w.building)
    if (w.zone !== undefined) zone([...path, 'zone'], w.zone, w.building)
    if (ids.has(w.id))
      ctx.addIssue({ code: 'custom', path: [...path, 'id'], message: `duplicate id ${w.id}` })
    ids.add(w.id)
  })
}
