import { z } from 'zod'
import { checkFireReferences, fireShape } from './fire-schema.ts'
import { checkHolidayYears, holidayShape } from './holiday-schema.ts'
import { incidentShape } from './incident-schema.ts'
import { checkNotifyReferences, notifyShape } from './notify-schema.ts'
import { checkRegisterReferences, registerShape } from './register-schema.ts'
import { checkScheduleReferences, scheduleShape } from './schedule-schema.ts'
import { StoredSecret } from './secret-hash.ts'
import { checkReservedIds } from './self-test-ids.ts'
import { ComponentType, checkUitdReferences, PanelAddress, uitdShape } from './uitd-schema.ts'

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')

/** Devices that report themselves over MQTT, each with its own login. */
export const SENSOR_KINDS = [
  'smoke_detector',
  'pressure_sensor',
  'level_sensor',
  'electrical_monitor',
] as const
export const SensorKind = z.enum(SENSOR_KINDS)
export type SensorKind = z.infer<typeof SensorKind>

/** A part of the building's own fire panel, reported by its UITD over GB/T 26875.3: no login. */
export const PANEL_COMPONENT = 'panel_component'
export const DEVICE_KINDS = [...SENSOR_KINDS, PANEL_COMPONENT] as const
export const DeviceKind = z.enum(DEVICE_KINDS)
export type DeviceKind = z.infer<typeof DeviceKind>

/**
 * Overrides of one rule's parameters. Which parameters a rule reads is listed with the rule
 * (alerting/rule-catalog.ts); unknown keys are refused so that a typo never silently keeps a default.
 */
export const RuleOverride = z
  .object({
    enabled: z.boolean(),
    threshold: z.number().finite(),
    clear: z.number().finite(),
    holdSec: z.number().nonnegative(),
    samples: z.number().int().min(1).max(100),
    clearHoldSec: z.number().nonnegative(),
    windowSec: z.number().positive(),
    delta: z.number().positive(),
    latch: z.boolean(),
  })
  .partial()
  .strict()
export type RuleOverride = z.infer<typeof RuleOverride>

const RuleOverrides = z.record(
  z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'rule ids look like "pressure.low"'),
  RuleOverride,
)

export const Building = z
  .object({
    id: Id,
    name: z.string().min(1),
    floors: z.number().int().min(1).max(300),
    basements: z.number().int().min(0).max(20).default(0),
    rules: RuleOverrides.default({}),
  })
  .strict()

/** What every device of the site has, whatever reports it. */
const deviceBase = {
  id: Id,
  building: Id,
  floor: z.number().int().min(-20).max(300),
  zone: z.string().min(1).max(64),
  label: z.string().min(1).max(200),
  disabled: z.boolean().default(false),
  rules: RuleOverrides.default({}),
}

export const SensorDevice = z
  .object({
    ...deviceBase,
    kind: SensorKind,
    secret: StoredSecret(4),
    /** Expected reporting interval; the device is offline after `offlineAfterMissed` silent intervals. */
    heartbeatSec: z.number().int().min(5).max(86_400).optional(),
    offlineAfterMissed: z.number().int().min(1).max(10).optional(),
  })
  .strict()

/**
 * A detector, call point, water-flow indicator, valve, pump, fan or fire door of the building's
 * fire panel, which reaches Firewatch through the panel's UITD (`uitds:`); never over MQTT. Its
 * liveness is the UITD's: it has no heartbeat of its own.
 */
export const PanelComponent = z
  .object({
    ...deviceBase,
    kind: z.literal(PANEL_COMPONENT),
    component: ComponentType,
    panel: PanelAddress,
  })
  .strict()

export const Device = z.discriminatedUnion('kind', [SensorDevice, PanelComponent])

export const ApiToken = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/),
    token: StoredSecret(8),
    role: z.enum(['brigade', 'manager', 'admin']),
    buildings: z.array(Id).optional(),
  })
  .strict()

export const SiteFile = z
  .object({
    site: z
      .object({
        name: z.string().min(1),
        timezone: z.string().refine(isTimeZone, 'not an IANA time zone'),
        locale: z.enum(['zh-CN', 'en']).default('en'),
        /** Grace after a retained `offline` status before an offline alert opens. */
        offlineGraceSec: z.number().int().min(0).max(600).default(60),
      })
      .strict(),
    rules: RuleOverrides.default({}),
    buildings: z.array(Building).min(1),
    devices: z.array(Device),
    apiTokens: z.array(ApiToken).default([]),
    // contacts, escalation, notify (ingest/site/notify-schema.ts)
    ...notifyShape,
    // watches, patrols, reports, overdue (ingest/site/schedule-schema.ts)
    ...scheduleShape,
    ...fireShape,
    // uitds (ingest/site/uitd-schema.ts): the fire panels' UITDs
    ...uitdShape,
    // grouping of alerts into incidents (ingest/site/incident-schema.ts)
    ...incidentShape,
    // the hazard register and risk grades (ingest/register-schema.ts); the holiday calendar
    ...registerShape,
    ...holidayShape,
  })
  .strict()
  .superRefine(checkReferences)

export type SiteFile = z.infer<typeof SiteFile>
export type Building = z.infer<typeof Building>
export type Device = z.infer<typeof Device>
export type SensorDevice = z.infer<typeof SensorDevice>
export type PanelComponent = z.infer<typeof PanelComponent>
export type ApiToken = z.infer<typeof ApiToken>

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz })
    return true
  } catch {
    return false
  }
}

function checkReferences(site: SiteFile, ctx: z.RefinementCtx): void {
  const buildings = new Map(site.buildings.map((b) => [b.id, b]))
  if (buildings.size !== site.buildings.length) {
    ctx.addIssue({ code: 'custom', path: ['buildings'], message: 'building ids must be unique' })
  }
  const seen = new Set<string>()
  site.devices.forEach((d, i) => {
    if (seen.has(d.id))
      ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id ${d.id}` })
    seen.add(d.id)
    const b = buildings.get(d.building)
    if (!b) {
      ctx.addIssue({
        code: 'custom',
        path: ['devices', i, 'building'],
        message: `unknown building ${d.building}`,
      })
    } else if (d.floor > b.floors || d.floor < -b.basements || d.floor === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['devices', i, 'floor'],
        message: `floor ${d.floor} is not in ${b.id} (floors 1..${b.floors}, basements ${b.basements})`,
      })
    }
  })
  const names = new Set<string>()
  site.apiTokens.forEach((t, i) => {
    if (names.has(t.name) || seen.has(t.name)) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiTokens', i, 'name'],
        message: `name ${t.name} is already used`,
      })
    }
    names.add(t.name)
    if (t.role === 'manager' && !t.buildings?.length) {
      ctx.addIssue({
        code: 'custom',
        path: ['apiTokens', i, 'buildings'],
        message: 'a manager needs buildings',
      })
    }
    t.buildings?.forEach((b, j) => {
      if (!buildings.has(b)) {
        ctx.addIssue({
          code: 'custom',
          path: ['apiTokens', i, 'buildings', j],
          message: `unknown building ${b}`,
        })
      }
    })
  })
  checkNotifyReferences(site, ctx)
  checkScheduleReferences(site, ctx)
  checkFireReferences(site, ctx)
  checkRegisterReferences(site, ctx)
  checkHolidayYears(site.holidays, ctx)
  checkUitdReferences(site, ctx)
  checkReservedIds(site, ctx)
}

/** A device with an MQTT login (not a panel component). */
export function isSensor(d: Device): d is SensorDevice {
  return d.kind !== PANEL_COMPONENT
}
