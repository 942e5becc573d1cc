import { z } from 'zod'

// Who gets what (README "Notifications: who gets what"): contacts, escalation policies and
// notification settings of the site file. All optional, so site files written before notifications
// existed stay valid.

const Id = z.string().regex(/^[a-z0-9-]+$/, 'use lower-case letters, digits and "-"')

export const CHANNEL_KINDS = ['sms', 'push', 'webhook'] as const
export const NotifyChannel = z.enum(CHANNEL_KINDS)

/** Alert classes as the site file names them (ingest/ may not import alerting/: docs/architecture.md). */
export const NOTIFY_CLASSES = ['fire', 'warning', 'supervisory', 'fault', 'offline'] as const
const NotifyClass = z.enum(NOTIFY_CLASSES)

/** `monitoring_centre` and `brigade` contacts are who the last level of a fire policy must reach. */
export const CONTACT_ROLES = [
  'manager',
  'deputy',
  'security',
  'engineer',
  'monitoring_centre',
  'brigade',
] as const
export const FIRE_LAST_RESORT_ROLES: readonly string[] = ['monitoring_centre', 'brigade']

export const Contact = z
  .object({
    id: Id,
    name: z.string().min(1).max(100),
    phone: z
      .string()
      .regex(/^\+[1-9]\d{6,14}$/, 'an E.164 number such as +8613800000000')
      .optional(),
    role: z.enum(CONTACT_ROLES),
    /** Buildings whose alerts reach this contact; absent = every building the policies name. */
    buildings: z.array(Id).min(1).optional(),
    /** Language of this contact's SMS, push, webhook text and ack page (default: the site's). */
    locale: z.enum(['zh-CN', 'en']).optional(),
    /** Channels the contact can be reached on, most preferred first. */
    channels: z.array(NotifyChannel).min(1),
    webhook: z
      .object({
        url: z.url({ protocol: /^https?$/ }),
        /** HMAC-SHA256 key of the `X-Firewatch-Signature` header (receivers must check it). */
        secret: z.string().min(16),
      })
      .strict()
      .optional(),
    /** API token names that may register Web Push subscriptions for this contact. */
    apiTokens: z.array(z.string().min(1)).default([]),
  })
  .strict()
export type Contact = z.infer<typeof Contact>

export const EscalationLevel = z
  .object({
    targets: z.array(Id).min(1),
    /** Channels to use, in order; default: each target's own list. Intersected with the target's. */
    channels: z.array(NotifyChannel).min(1).optional(),
    /** `first`: the first working channel (the next one after a permanent failure); `all`: every one. */
    sendOn: z.enum(['first', 'all']).default('first'),
    /** Time to acknowledge before the next repeat or level. */
    ackTimeoutSec: z.number().int().min(1).max(86_400),
    /** How many times this level is sent (1 = once) before the next level. */
    repeat: z.number().int().min(1).max(50).default(1),
  })
  .strict()
export type EscalationLevel = z.infer<typeof EscalationLevel>

export const EscalationPolicy = z
  .object({
    /** Absent = every building. The first policy matching an alert's building and class applies. */
    buildings: z.array(Id).min(1).optional(),
    /** Absent = every class. */
    classes: z.array(NotifyClass).min(1).optional(),
    levels: z.array(EscalationLevel).min(1).max(20),
  })
  .strict()
export type EscalationPolicy = z.infer<typeof EscalationPolicy>

export const NotifySettings = z
  .object({
    /** Per-recipient message budget for the throttled classes; beyond it, alerts go into a digest. */
    budget: z
      .object({
        max: z.number().int().min(1).max(1000).default(5),
        windowSec: z.number().int().min(60).max(86_400).default(3600),
        classes: z
          .array(NotifyClass.exclude(['fire']))
          .default(['warning', 'fault', 'offline'])
          .describe('fire is never throttled'),
      })
      .strict()
      .default({ max: 5, windowSec: 3600, classes: ['warning', 'fault', 'offline'] }),
    /** Lifetime of the one-tap acknowledgement links. */
    ackLinkTtlSec: z
      .number()
      .int()
      .min(300)
      .max(7 * 86_400)
      .default(86_400),
  })
  .strict()
export type NotifySettings = z.infer<typeof NotifySettings>

/** The notification parts of the site file, spread into SiteFile. */
export const notifyShape = {
  contacts: z.array(Contact).default([]),
  escalation: z.array(EscalationPolicy).default([]),
  notify: NotifySettings.default(NotifySettings.parse({})),
}

interface NotifyParts {
  buildings: { id: string }[]
  apiTokens: { name: string }[]
  contacts: Contact[]
  escalation: EscalationPolicy[]
}

/** Cross-references of contacts and policies; every issue names the field it is about. */
export function checkNotifyReferences(site: NotifyParts, ctx: z.RefinementCtx): void {
  const buildings = new Set(site.buildings.map((b) => b.id))
  const tokens = new Set(site.apiTokens.map((t) => t.name))
  const contacts = new Map<string, Contact>()
  site.contacts.forEach((c, i) => {
    const at = (...path: (string | number)[]) => ['contacts', i, ...path]
    if (contacts.has(c.id)) issue(ctx, at('id'), `duplicate contact id ${c.id}`)
    contacts.set(c.id, c)
    c.buildings?.forEach((b, j) => {
      if (!buildings.has(b)) issue(ctx, at('buildings', j), `unknown building ${b}`)
    })
    c.apiTokens.forEach((t, j) => {
      if (!tokens.has(t)) issue(ctx, at('apiTokens', j), `unknown API token ${t}`)
    })
    if (c.channels.includes('sms') && !c.phone) issue(ctx, at('phone'), 'the sms channel needs a phone')
    if (c.channels.includes('webhook') && !c.webhook) {
      issue(ctx, at('webhook'), 'the webhook channel needs a webhook url')
    }
  })
  site.escalation.forEach((policy, i) => {
    policy.buildings?.forEach((b, j) => {
      if (!buildings.has(b)) issue(ctx, ['escalation', i, 'buildings', j], `unknown building ${b}`)
    })
    checkLevels(policy, i, contacts, [...(policy.buildings ?? buildings)], ctx)
  })
}

function checkLevels(
  policy: EscalationPolicy,
  i: number,
  contacts: Map<string, Contact>,
  covered: string[],
  ctx: z.RefinementCtx,
): void {
  policy.levels.forEach((level, j) => {
    const at = (...path: (string | number)[]) => ['escalation', i, 'levels', j, ...path]
    level.targets.forEach((id, k) => {
      const contact = contacts.get(id)
      if (!contact) {
        issue(ctx, at('targets', k), `unknown contact ${id}`)
      } else if (!(level.channels ?? contact.channels).some((ch) => contact.channels.includes(ch))) {
        issue(ctx, at('channels'), `contact ${id} cannot be reached on ${level.channels?.join(', ')}`)
      }
    })
    for (const building of covered) {
      const reached = reachedIn(level.targets, (id) => contacts.get(id), building)
      if (reached.length === 0) issue(ctx, at('targets'), `level ${j + 1} reaches nobody in ${building}`)
      const lastFireLevel = j === policy.levels.length - 1 && (policy.classes ?? ['fire']).includes('fire')
      if (lastFireLevel && !reached.some((c) => FIRE_LAST_RESORT_ROLES.includes(c.role))) {
        issue(
          ctx,
          at('targets'),
          `the last level for a fire must reach a monitoring_centre or brigade contact (${building})`,
        )
      }
    }
  })
}

/** Targets of a level that receive alerts of the building. */
export function reachedIn(
  targets: readonly string[],
  contact: (id: string) => Contact | undefined,
  building: string,
) {
  return targets
    .map(contact)
    .filter((c): c is Contact => c !== undefined && (!c.buildings || c.buildings.includes(building)))
}

function issue(ctx: z.RefinementCtx, path: (string | number)[], message: string): void {
  ctx.addIssue({ code: 'custom', path, message })
}
