import { z } from 'zod'

// The `register:` section of the site file: the hazard register (隐患台账), its deadlines and
// supervision (挂牌督办), sensor-verified close-out and the risk grade of each building. All
// optional; every default that no code or plan fixes is an engineering choice, marked [ENG] and
// listed in docs/register.md.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')
const CategoryId = z.string().regex(/^[a-z0-9_]+$/, 'use lower-case letters, digits and "_"')
const RuleId = z.string().regex(/^[a-z_]+\.[a-z_]+$/, 'rule ids look like "level.low"')
const TimeOfDay = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a local time such as 09:00')

export const SEVERITIES = ['general', 'major'] as const
export const Severity = z.enum(SEVERITIES)
export type Severity = z.infer<typeof Severity>

export const Category = z
  .object({ id: CategoryId, en: z.string().min(1).max(60), 'zh-CN': z.string().min(1).max(30) })
  .strict()
export type Category = z.infer<typeof Category>

/** The categories of municipal fire-prevention plans; a site may replace the list. */
export const DEFAULT_CATEGORIES: Category[] = [
  { id: 'fire_lanes', en: 'Fire lanes', 'zh-CN': '消防车通道' },
  { id: 'evacuation_routes', en: 'Evacuation routes and exits', 'zh-CN': '疏散通道和安全出口' },
  { id: 'electrical_wiring', en: 'Electrical wiring', 'zh-CN': '电气线路' },
  { id: 'automatic_facilities', en: 'Automatic fire facilities', 'zh-CN': '自动消防设施' },
  { id: 'ebike_charging', en: 'E-bike parking and charging', 'zh-CN': '电动自行车停放充电' },
  { id: 'combustible_storage', en: 'Combustible storage', 'zh-CN': '易燃可燃物堆放' },
  { id: 'other', en: 'Other', 'zh-CN': '其他' },
]

/** An active alert of these rules open longer than `afterHours` becomes a hazard linked to it. */
export const FromAlerts = z
  .object({
    rules: z.array(RuleId).min(1),
    afterHours: z.number().positive().max(8760),
    category: CategoryId,
    severity: Severity.default('general'),
    /** Deadline of the raised hazard: this many days after it is raised, at the end of the local day. */
    deadlineDays: z.number().int().min(1).max(365).default(7),
  })
  .strict()

/**
 * Sensor-verified close-out: a hazard linked to devices and these rules closes only when no alert
 * of the rules was active on its devices for `holdHours`, the devices reported all along, and
 * (with `metric`) every reading stayed above or below the line.
 */
export const VerifyRule = z
  .object({
    rules: z.array(RuleId).min(1),
    holdHours: z.number().positive().max(720),
    metric: z.string().min(1).max(64).optional(),
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
  })
  .strict()
  .refine((v) => v.metric === undefined || (v.above === undefined) !== (v.below === undefined), {
    message: 'a metric needs exactly one of above or below',
    path: ['metric'],
  })
export type VerifyRule = z.infer<typeof VerifyRule>

export const HazardNotices = z
  .object({
    /** Local time reminders, overdue and escalation notices go out (people read them at work). */
    at: TimeOfDay.default('09:00'),
    /** Days before the deadline day a reminder goes out (0: on the day itself). */
    remindDaysBefore: z.array(z.number().int().min(0).max(60)).max(10).default([3, 1, 0]),
    /** Contacts told of every notice of their buildings, beside the responsible person and watcher. */
    to: z.array(Id).default([]),
  })
  .strict()

const ESCALATION_LEVELS = ['street', 'district', 'city'] as const
export const EscalationLevelName = z.enum(ESCALATION_LEVELS)

export const HazardEscalation = z
  .object({
    // [ENG] One working day of grace after the deadline before supervision (挂牌督办): the
    // reminders went out before; a plan can say "overdue: escalate" with 0.
    graceWorkingDays: z.number().int().min(0).max(30).default(1),
    level: z
      .object({
        general: EscalationLevelName.default('district'),
        major: EscalationLevelName.default('city'),
      })
      .strict()
      .default({ general: 'district', major: 'city' }),
    /** The supervising body named on the escalation; empty: "the local fire and rescue authority". */
    supervisor: z.string().max(100).default(''),
    /** Contacts told of every escalation (e.g. the brigade's duty desk). */
    notify: z.array(Id).default([]),
  })
  .strict()

/** Points per factor of the risk grade; every one an [ENG] default (docs/register.md). */
export const GradeWeights = z
  .object({
    openGeneral: z.number().min(0).default(2),
    openMajor: z.number().min(0).default(6),
    overdueGeneral: z.number().min(0).default(5),
    overdueMajor: z.number().min(0).default(15),
    escalated: z.number().min(0).default(20),
    /** Per percentage point of facility intactness below `intactnessTarget`. */
    intactnessPoint: z.number().min(0).default(1),
    fire: z.number().min(0).default(10),
    falseAlarm: z.number().min(0).default(1),
    missedPatrol: z.number().min(0).default(2),
    openFault: z.number().min(0).default(1),
  })
  .strict()

export const RiskGradeSettings = z
  .object({
    weights: GradeWeights.default(GradeWeights.parse({})),
    thresholds: z
      .object({ yellow: z.number().positive().default(10), red: z.number().positive().default(30) })
      .strict()
      .refine((t) => t.yellow < t.red, { message: 'yellow must be below red', path: ['red'] })
      .default({ yellow: 10, red: 30 }),
    /** Share of devices reporting and healthy below which monitoring is too poor to trust: grey. */
    greyBelowIntactness: z.number().min(0).max(1).default(0.8),
    intactnessTarget: z.number().min(0).max(1).default(0.95),
    /** Days of incidents and of patrol checks a grade looks back over. */
    incidentDays: z.number().int().min(1).max(365).default(30),
    patrolDays: z.number().int().min(1).max(90).default(7),
    /** Local time the daily grade is computed (for the day before). */
    dailyAt: TimeOfDay.default('00:10'),
  })
  .strict()
export type RiskGradeSettings = z.infer<typeof RiskGradeSettings>

export const Register = z
  .object({
    categories: z.array(Category).min(1).default(DEFAULT_CATEGORIES),
    fromAlerts: z.array(FromAlerts).default([]),
    verify: z.array(VerifyRule).default([]),
    /** Hold time of a linked rule that no `verify` entry names. */
    defaultHoldHours: z.number().positive().max(720).default(24),
    notices: HazardNotices.default(HazardNotices.parse({})),
    escalation: HazardEscalation.default(HazardEscalation.parse({})),
    grade: RiskGradeSettings.default(RiskGradeSettings.parse({})),
  })
  .strict()
export type Register = z.infer<typeof Register>

export const registerShape = { register: Register.default(Register.parse({})) }

interface RegisterParts {
  contacts: { id: string }[]
  register: Register
}

/** Categories named by fromAlerts exist; contacts exist; category ids are unique. */
export function checkRegisterReferences(site: RegisterParts, ctx: z.RefinementCtx): void {
  const { register } = site
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path: ['register', ...path], message })
  const categories = new Set<string>()
  register.categories.forEach((c, i) => {
    if (categories.has(c.id)) issue(['categories', i, 'id'], `duplicate category ${c.id}`)
    categories.add(c.id)
  })
  register.fromAlerts.forEach((f, i) => {
    if (!categories.has(f.category)) issue(['fromAlerts', i, 'category'], `unknown category ${f.category}`)
  })
  const contacts = new Set(site.contacts.map((c) => c.id))
  const known = (list: string[], path: (string | number)[]) =>
    list.forEach((c, j) => {
      if (!contacts.has(c)) issue([...path, j], `unknown contact ${c}`)
    })
  known(register.notices.to, ['notices', 'to'])
  known(register.escalation.notify, ['escalation', 'notify'])
}
