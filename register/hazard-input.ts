import { z } from 'zod'
import { isCalendarDate } from '../ingest/site/holidays-cn.ts'
import { SEVERITIES } from '../ingest/site/register-schema.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { DEADLINE_PATTERN } from './deadline-clock.ts'
import { ESCALATION_LEVELS } from './hazard.ts'

// What a person sends to the register (the HTTP API and each row of a CSV import), validated with
// zod, then against the site (buildings, floors, categories, devices, contacts, rule ids), so that
// a bad field is answered as a 400 with the zod issues, naming the field.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')
const Text = (max: number) => z.string().trim().min(1).max(max)
const Person = Text(100).describe("a person's name")
const Deadline = z
  .string()
  .regex(DEADLINE_PATTERN, 'a local date 2026-12-20 (due by its end) or date and time 2026-12-20T18:00')
  .refine((d) => isCalendarDate(d.slice(0, 10)), 'not a calendar date')
  .describe('site-local date (due by the end of that day) or date and time')
const RuleId = z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'rule ids look like "level.low"')
const Note = Text(2000)

/** People and the deadline: given when a hazard is reported, or by its assignment. */
const assignment = {
  responsible: Person.optional().describe('责任人: the person answerable for the rectification'),
  responsibleContact: Id.optional().describe('their contact id in the site file, to receive notices'),
  watcher: Person.optional().describe('专人盯守: the person watching the hazard until it is closed'),
  watcherContact: Id.optional(),
  deadline: Deadline.optional(),
}

export const HazardInput = z
  .object({
    building: Id,
    floor: z.number().int().min(-20).max(300).optional(),
    zone: Text(64).optional(),
    place: Text(200).optional().describe('where exactly, in words'),
    category: z.string().regex(/^[a-z0-9_]+$/),
    severity: z.enum(SEVERITIES).default('general').describe('一般 general / 重大 major'),
    description: Text(2000),
    source: z.enum(['inspection', 'patrol']).default('inspection'),
    ...assignment,
    plan: Text(2000).optional().describe('整改方案: the rectification plan'),
    interim: Text(2000).optional().describe('临时措施: interim measures until rectified'),
    devices: z.array(Id).max(50).default([]).describe('devices whose condition the hazard is about'),
    rules: z.array(RuleId).max(50).default([]).describe('rules whose alerts the hazard is about'),
  })
  .strict()
export type HazardInput = z.output<typeof HazardInput>

export const AssignBody = z
  .object({ ...assignment, note: Note.optional() })
  .strict()
  .refine((b) => b.deadline !== undefined, { message: 'a deadline is required', path: ['deadline'] })
export type AssignBody = z.output<typeof AssignBody>

export const StartBody = z.object({ plan: Note, interim: Note.optional(), note: Note.optional() }).strict()
export const NoteBody = z.object({ note: Note.optional() }).strict()
export const ReasonBody = z.object({ note: Note }).strict()
export const EscalateBody = z
  .object({
    level: z.enum(ESCALATION_LEVELS).optional().describe('default: by severity (register.escalation.level)'),
    supervisor: Text(100).optional(),
    note: Note.optional(),
  })
  .strict()

/** The site-dependent checks of any body naming people, a building, its devices or rules. */
interface SiteRefs {
  building?: string
  floor?: number | undefined
  category?: string
  responsible?: string | undefined
  responsibleContact?: string | undefined
  watcher?: string | undefined
  watcherContact?: string | undefined
  devices?: readonly string[]
  rules?: readonly string[]
}

export function checkSiteRefs(
  site: SiteModel,
  ruleIds: ReadonlySet<string>,
  value: SiteRefs,
  ctx: z.RefinementCtx,
  building = value.building,
): void {
  const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
  const b = building === undefined ? undefined : site.building(building)
  if (value.building !== undefined && !b) issue('building', `unknown building ${value.building}`)
  if (
    b &&
    value.floor !== undefined &&
    (value.floor > b.floors || value.floor < -b.basements || value.floor === 0)
  )
    issue('floor', `floor ${value.floor} is not in ${b.id} (floors 1..${b.floors}, basements ${b.basements})`)
  const categories = site.file.register.categories.map((c) => c.id)
  if (value.category !== undefined && !categories.includes(value.category))
    issue('category', `unknown category ${value.category} (one of ${categories.join(', ')})`)
  for (const key of ['responsibleContact', 'watcherContact'] as const) {
    const id = value[key]
    if (id !== undefined && !site.contact(id)) issue(key, `unknown contact ${id}`)
  }
  value.devices?.forEach((d) => {
    const device = site.device(d)
    if (!device || (b && device.building !== b.id)) issue('devices', `${d} is not a device of ${building}`)
  })
  value.rules?.forEach((r) => {
    if (!ruleIds.has(r)) issue('rules', `unknown rule ${r}`)
  })
}

/** A person is named by name or by contact (whose name is then used). */
export function personOf(site: SiteModel, name: string | undefined, contact: string | undefined) {
  if (name !== undefined) return name
  return contact === undefined ? undefined : site.contact(contact)?.name
}

/** HazardInput checked against the site, so that the 400 names every bad field at once. */
export function hazardInputFor(site: SiteModel, ruleIds: ReadonlySet<string>) {
  return HazardInput.superRefine((value, ctx) => checkSiteRefs(site, ruleIds, value, ctx))
}

export function assignBodyFor(site: SiteModel, building: string) {
  return AssignBody.superRefine((value, ctx) => {
    checkSiteRefs(site, new Set(), value, ctx, building)
    if (personOf(site, value.responsible, value.responsibleContact) === undefined)
      ctx.addIssue({ code: 'custom', path: ['responsible'], message: 'name the responsible person' })
    if (personOf(site, value.watcher, value.watcherContact) === undefined)
      ctx.addIssue({ code: 'custom', path: ['watcher'], message: 'name the person watching it' })
  })
}
