import type { Alert } from '../alert.ts'
import type { ChannelKind } from './channel.ts'
import { type NotifyContext, noteNotified } from './notify-context.ts'
import { allClearKey, newJob, usable } from './outbox-enqueue.ts'

/**
 * On resolve (inside the resolving transaction): an all-clear for everyone who was told of a fire,
 * or of any alert that escalated past its first step, on the channel that reached them (or their
 * first working one, if that one has gone bad since). Nobody told, nothing sent. Returns how many
 * jobs were queued. Call it before the alert's pending jobs are cancelled: a message being sent at
 * this moment counts as told.
 */
export function enqueueAllClear(ctx: NotifyContext, alert: Alert, now: number): number {
  const row = ctx.escalations.get(alert.id)
  const escalated = row !== undefined && (row.level > 0 || row.repeat > 0)
  if (alert.class !== 'fire' && !escalated) return 0
  let queued = 0
  for (const told of ctx.outbox.notifiedContacts(alert.id, now)) {
    const channel = channelFor(ctx, told.contact, told.channel)
    if (channel === undefined) {
      noteNotified(ctx, alert.id, `all-clear: no working channel for ${told.contact}`, now)
      continue
    }
    const added = ctx.outbox.insert({
      ...newJob(alert, told.contact, channel, { level: 0, repeat: 0 }, now),
      job_key: allClearKey(alert.id, told.contact, channel),
      kind: 'all_clear',
      // Never ahead of alarms still waiting to go out.
      urgent: 0,
    })
    if (added) {
      queued++
      noteNotified(ctx, alert.id, `all-clear queued: ${channel} to ${told.contact}`, now)
    }
  }
  return queued
}

function channelFor(ctx: NotifyContext, contactId: string, used: ChannelKind): ChannelKind | undefined {
  const contact = ctx.directory.contact(contactId)
  if (!contact) return undefined
  if (usable(ctx, contact, used)) return used
  return contact.channels.find((ch) => usable(ctx, contact, ch))
}
