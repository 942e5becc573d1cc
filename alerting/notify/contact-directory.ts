import {
  type Contact,
  type EscalationLevel,
  type EscalationPolicy,
  NOTIFY_CLASSES,
  type NotifySettings,
  reachedIn,
  type SiteModel,
} from '../../ingest/index.ts'
import { ALERT_CLASSES, type AlertClass } from '../alert.ts'
import type { ChannelKind, Destination } from './channel.ts'

// The site file names the alert classes itself (ingest/ may not import alerting/); both lists must
// stay the same, which this line checks at compile time in both directions.
const _sameClasses: [readonly AlertClass[], readonly (typeof NOTIFY_CLASSES)[number][]] = [
  NOTIFY_CLASSES,
  ALERT_CLASSES,
]

export type { Contact, EscalationLevel, EscalationPolicy }

/** One contact of one level, with the channels to try in order. */
export interface Recipient {
  contact: Contact
  channels: ChannelKind[]
  sendOn: EscalationLevel['sendOn']
}

/** Who gets what, read from the site file (contacts, escalation, notify). */
export class ContactDirectory {
  private readonly policies: readonly EscalationPolicy[]
  readonly settings: NotifySettings
  /**
   * `pace(building)` multiplies the ack timeouts of the policies (heightened watch, docs/rules.md:
   * 0.5 = escalation twice as fast); 1 without a watch.
   */
  constructor(
    readonly site: SiteModel,
    private readonly pace: (building: string) => number = () => 1,
  ) {
    void _sameClasses
    this.policies = site.file.escalation
    this.settings = site.file.notify
  }

  contact(id: string): Contact | undefined {
    return this.site.contact(id)
  }

  /** The first policy, in file order, that covers the building and the class. */
  policyFor(building: string, cls: AlertClass): EscalationPolicy | undefined {
    const policy = this.policies.find(
      (p) => (!p.buildings || p.buildings.includes(building)) && (!p.classes || p.classes.includes(cls)),
    )
    const factor = this.pace(building)
    if (!policy || factor >= 1) return policy
    // At least 1 s, as the site file allows.
    const levels = policy.levels.map((l) => ({
      ...l,
      ackTimeoutSec: Math.max(1, Math.round(l.ackTimeoutSec * factor)),
    }))
    return { ...policy, levels }
  }

  /** The targets of a level that receive alerts of the building, with their channels. */
  recipients(level: EscalationLevel, building: string): Recipient[] {
    return reachedIn(level.targets, (id) => this.site.contact(id), building).map((contact) => ({
      contact,
      channels: channelsOf(level, contact),
      sendOn: level.sendOn,
    }))
  }

  /** [FIRE-RULE-3] Fire is never throttled: the schema refuses `fire` in the budget classes. */
  throttled(cls: AlertClass): boolean {
    return cls !== 'fire' && (this.settings.budget.classes as readonly string[]).includes(cls)
  }

  /** The address of a contact on sms or webhook (push goes to its registered subscriptions). */
  address(contact: Contact, channel: ChannelKind): Destination | null {
    return contactAddress(contact, channel)
  }
}

/**
 * The address of a contact on sms or webhook, from the site file alone; null for push (its
 * registered subscriptions) and for a channel the contact has no address on. Also used by the
 * notices of scheduled work, which have no directory.
 */
export function contactAddress(contact: Contact, channel: ChannelKind): Destination | null {
  if (channel === 'sms') return contact.phone ? { address: contact.phone, name: contact.name } : null
  if (channel === 'webhook') {
    return contact.webhook ? { address: contact.webhook.url, secret: contact.webhook.secret } : null
  }
  return null
}

/** The level's channels (or the contact's own), in order, limited to those the contact has. */
export function channelsOf(level: EscalationLevel, contact: Contact): ChannelKind[] {
  return (level.channels ?? contact.channels).filter((ch) => contact.channels.includes(ch))
}
