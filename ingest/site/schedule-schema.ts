import { z } from 'zod'
import { CronExpression } from './cron-expression.ts'
import { HOLIDAY_NAMES } from './holidays-cn.ts'

// Calendar work of the site file (README "Scheduled work"): heightened watch periods, the duty patrol check,
// reports and the deadlines of long-open items. All optional; times are in the site's time zone.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')
/** Five fields in the site's time zone, read as cron-expression.ts says (the same reader as windows). */
const Cron = CronExpression
/** `2026-10-01` (the whole day) or `2026-10-01T18:00` (local wall time). */
const LocalDateTime = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2})?$/, 'a local date 2026-10-01 or date and time 2026-10-01T18:00')
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 06:00')

/** What a watch may tighten: levels and hold times of threshold rules (never loosened). */
export const WatchRule = z
  .object({
    threshold: z.number().finite(),
    clear: z.number().finite(),
    holdSec: z.number().nonnegative(),
    samples: z.number().int().min(1).max(100),
  })
  .partial()
  .strict()
export type WatchRule = z.infer<typeof WatchRule>

export const Watch = z
  .object({
    id: Id,
    name: z.string().min(1).max(100),
    /** Starts at each match of this cron expression ... */
    cron: Cron.optional(),
    /** ... and ends at the next local time of day `until`, or after `hours` of wall-clock time. */
    until: TimeOfDay.optional(),
    hours: z.number().positive().max(168).optional(),
    /** Or a fixed period: from (inclusive) to (a date: inclusive day; a date and time: exclusive). */
    from: LocalDateTime.optional(),
    to: LocalDateTime.optional(),
    /**
     * Or the statutory holidays of the site's calendar (`holidays:`; empty list: all of them), each
     * whole local day off, from `daysBefore` days ahead: no dates typed by hand.
     */
    holidays: z.array(z.enum(HOLIDAY_NAMES)).optional(),
    daysBefore: z.number().int().min(0).max(7).default(0),
    /** Absent = every building. */
    buildings: z.array(Id).min(1).optional(),
    rules: z
      .record(z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'rule ids look like "pressure.low"'), WatchRule)
      .default({}),
    /** Escalation ack timeouts are multiplied by this while the watch is on (0.5 = twice as fast). */
    escalationFactor: z.number().min(0.05).max(1).default(1),
  })
  .strict()
  .superRefine((w, ctx) => {
    const cronForm = w.cron !== undefined
    const rangeForm = w.from !== undefined || w.to !== undefined
    const holidayForm = w.holidays !== undefined
    if ([cronForm, rangeForm, holidayForm].filter(Boolean).length !== 1) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'a watch has either cron (+ until or hours), from + to, or holidays',
      })
    }
    if (cronForm && (w.until === undefined) === (w.hours === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['until'],
        message: 'a cron watch needs until or hours (one of them)',
      })
    }
    if (rangeForm && (w.from === undefined || w.to === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['to'], message: 'a date-range watch needs both from and to' })
    }
  })
export type Watch = z.infer<typeof Watch>

/** One shift of a duty roster, e.g. nights: cron "0 20 * * *" until "08:00". */
export const Shift = z
  .object({
    contacts: z.array(Id).min(1),
    cron: Cron,
    until: TimeOfDay.optional(),
    hours: z.number().positive().max(168).optional(),
  })
  .strict()
  .refine((s) => (s.until === undefined) !== (s.hours === undefined), {
    message: 'a shift needs until or hours (one of them)',
    path: ['until'],
  })

export const Patrol = z
  .object({
    id: Id,
    /** The building whose supervisory alert a missed check raises (its policy escalates it). */
    building: Id,
    /** Where the alert is shown: the fire control room, by default on the ground floor. */
    floor: z.number().int().min(-20).max(300).default(1),
    zone: z.string().min(1).max(64).default('fire-control-room'),
    /** The patrol check (查岗) comes at least every 2 h (docs/rules.md, "Scheduled work"). */
    everyMin: z.number().int().min(5).max(120),
    confirmWithinSec: z.number().int().min(30).max(3600),
    /** Contacts on duty when no shift is on; every one of them gets the check. */
    contacts: z.array(Id).min(1),
    /** A duty roster: while a shift is on, its contacts are the ones on duty instead. */
    shifts: z.array(Shift).default([]),
  })
  .strict()
export type Patrol = z.infer<typeof Patrol>

/**
 * Reports by e-mail through an SMTP relay of the site (plain SMTP, no AUTH or TLS: a relay on the
 * local host or a trusted network, as monitoring centres run them).
 */
export const ReportEmail = z
  .object({
    smtp: z
      .object({
        host: z.string().min(1),
        port: z.number().int().min(1).max(65_535).default(25),
        from: z.email(),
        /** The name this gateway gives in EHLO. */
        helo: z
          .string()
          .regex(/^[A-Za-z0-9.-]+$/)
          .default('firewatch.local'),
      })
      .strict(),
    to: z.array(z.object({ address: z.email(), buildings: z.array(Id).min(1).optional() }).strict()).min(1),
  })
  .strict()
export type ReportEmail = z.infer<typeof ReportEmail>

export const ReportSchedule = z
  .object({
    daily: Cron.default('0 8 * * *'),
    /** Many local fire-safety plans ask for the monthly report on the 20th. */
    monthly: Cron.default('0 9 20 * *'),
    /** Contacts whose webhook receives the reports of their buildings. */
    recipients: z.array(Id).default([]),
    email: ReportEmail.optional(),
  })
  .strict()

/** Hours an alert of the class may stay active before it is overdue (absent class: never). */
export const OverdueDeadlines = z
  .object({
    fault: z.number().positive().max(8760).default(72),
    supervisory: z.number().positive().max(8760).default(24),
    offline: z.number().positive().max(8760).optional(),
    warning: z.number().positive().max(8760).optional(),
  })
  .strict()

export const Schedules = z
  .object({
    watches: z.array(Watch).default([]),
    patrols: z.array(Patrol).default([]),
    reports: ReportSchedule.default(ReportSchedule.parse({})),
    overdue: OverdueDeadlines.default(OverdueDeadlines.parse({})),
  })
  .strict()
export type Schedules = z.infer<typeof Schedules>

/** The schedule part of the site file, spread into SiteFile. */
export const scheduleShape = { schedules: Schedules.default(Schedules.parse({})) }

interface ScheduleParts {
  buildings: { id: string }[]
  contacts: { id: string }[]
  schedules: Schedules
}

/** Buildings and contacts named in schedules must exist; ids must be unique. */
export function checkScheduleReferences(site: ScheduleParts, ctx: z.RefinementCtx): void {
  const buildings = new Set(site.buildings.map((b) => b.id))
  const contacts = new Set(site.contacts.map((c) => c.id))
  const at = (...path: (string | number)[]) => ['schedules', ...path]
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message })
  const ids = new Set<string>()
  site.schedules.watches.forEach((w, i) => {
    if (ids.has(w.id)) issue(at('watches', i, 'id'), `duplicate watch id ${w.id}`)
    ids.add(w.id)
    w.buildings?.forEach((b, j) => {
      if (!buildings.has(b)) issue(at('watches', i, 'buildings', j), `unknown building ${b}`)
    })
  })
  site.schedules.patrols.forEach((p, i) => {
    if (ids.has(p.id)) issue(at('patrols', i, 'id'), `id ${p.id} is already used`)
    ids.add(p.id)
    if (!buildings.has(p.building)) issue(at('patrols', i, 'building'), `unknown building ${p.building}`)
    p.contacts.forEach((c, j) => {
      if (!contacts.has(c)) issue(at('patrols', i, 'contacts', j), `unknown contact ${c}`)
    })
    p.shifts.forEach((shift, k) => {
      shift.contacts.forEach((c, j) => {
        if (!contacts.has(c)) issue(at('patrols', i, 'shifts', k, 'contacts', j), `unknown contact ${c}`)
      })
    })
  })
  site.schedules.reports.recipients.forEach((c, j) => {
    if (!contacts.has(c)) issue(at('reports', 'recipients', j), `unknown contact ${c}`)
  })
  site.schedules.reports.email?.to.forEach((t, i) => {
    t.buildings?.forEach((b, j) => {
      if (!buildings.has(b)) issue(at('reports', 'email', 'to', i, 'buildings', j), `unknown building ${b}`)
    })
  })
}
