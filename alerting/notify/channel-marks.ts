import type { ChannelKind } from './channel.ts'
import type { Contact } from './contact-directory.ts'
import type { NotifyContext } from './notify-context.ts'

/** A mark left by a permanent failure: the channel is skipped until the mark is cleared. */
export interface BadMark {
  /** Epoch ms. */
  since: number
  reason: string
}

export interface ChannelState {
  channel: ChannelKind
  /** Phone or webhook URL; null for push, whose addresses are the subscriptions. */
  address: string | null
  /** Set while the mark applies to the current address (a changed address clears it). */
  bad: BadMark | null
}

export interface SubscriptionState {
  id: number
  endpoint: string
  createdAt: number
  bad: BadMark | null
}

export interface ContactState {
  id: string
  name: string
  role: Contact['role']
  buildings: string[] | null
  channels: ChannelState[]
  pushSubscriptions: SubscriptionState[]
}

/** The admin's view of who can be reached, and the way to retry a channel marked bad. */
export interface ChannelMarks {
  /** Every contact of the site file, in file order. */
  list(): ContactState[]
  get(contactId: string): ContactState | undefined
  /**
   * Clears the mark of one channel of a contact (for push: every bad subscription of the contact).
   * undefined when the contact is unknown; otherwise how many marks were cleared.
   */
  clear(contactId: string, channel: ChannelKind): number | undefined
}

export function createChannelMarks(ctx: NotifyContext): ChannelMarks {
  const stateOf = (contact: Contact) => contactState(ctx, contact)
  return {
    list: () => ctx.directory.site.file.contacts.map(stateOf),
    get(contactId) {
      const contact = ctx.directory.contact(contactId)
      return contact && stateOf(contact)
    },
    clear: ctx.alerts.transaction((contactId: string, channel: ChannelKind) => {
      if (!ctx.directory.contact(contactId)) return undefined
      if (channel === 'push') return ctx.push.clearBad(contactId)
      return ctx.escalations.clearBad(contactId, channel) ? 1 : 0
    }),
  }
}

function contactState(ctx: NotifyContext, contact: Contact): ContactState {
  const marks = new Map(ctx.escalations.badChannelsOf(contact.id).map((row) => [row.channel, row]))
  const channels = contact.channels.map((channel): ChannelState => {
    const address = ctx.directory.address(contact, channel)?.address ?? null
    const mark = marks.get(channel)
    const applies = mark !== undefined && address !== null && mark.address === address
    return { channel, address, bad: applies ? { since: mark.since, reason: mark.reason } : null }
  })
  const pushSubscriptions = ctx.push.allOf(contact.id).map((s) => ({
    id: s.id,
    endpoint: s.endpoint,
    createdAt: s.created_at,
    bad: s.bad_since === null ? null : { since: s.bad_since, reason: s.bad_reason ?? '' },
  }))
  return {
    id: contact.id,
    name: contact.name,
    role: contact.role,
    buildings: contact.buildings ?? null,
    channels,
    pushSubscriptions,
  }
}
