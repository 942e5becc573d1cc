import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { isoTime } from '../../alerting/clock-iso.ts'
import type { BadMark, ContactState } from '../../alerting/notify/channel-marks.ts'
import type { ContactsService } from '../../alerting/notify/notify-services.ts'
import { CHANNEL_KINDS } from '../../ingest/site/notify-schema.ts'
import { principalOf } from './auth.ts'
import { HttpError, notFound } from './http-errors.ts'
import { validated, withoutEmpty } from './request-schemas.ts'

const ContactId = z.string().regex(/^[a-z0-9-]+$/, 'a contact id of the site file')

export const ContactsQuery = z
  .object({
    bad: z
      .enum(['true', 'false'])
      .optional()
      .describe('true: only contacts with a channel or push subscription marked bad'),
  })
  .strict()

export const ContactParams = z.object({ id: ContactId }).strict()
export const ChannelResetParams = z.object({ id: ContactId, channel: z.enum(CHANNEL_KINDS) }).strict()

interface ContactsOptions {
  contacts: ContactsService
}

/**
 * `GET /contacts`, `GET /contacts/{id}` and `POST /contacts/{id}/channels/{channel}/reset`: who can
 * be reached, which channels a permanent failure marked bad, and clearing such a mark once the
 * number or endpoint works again. Admins only: other roles get 403.
 */
export async function contactsRoutes(app: FastifyInstance, options: ContactsOptions): Promise<void> {
  const { contacts } = options
  app.get('/contacts', async (request) => {
    adminOnly(request)
    const query = validated(ContactsQuery, withoutEmpty(request.query))
    const all = contacts.list().map(contactView)
    return { contacts: query.bad === 'true' ? all.filter(hasBadMark) : all }
  })

  app.get('/contacts/:id', async (request) => {
    adminOnly(request)
    const { id } = validated(ContactParams, request.params)
    const contact = contacts.get(id)
    if (!contact) throw notFound()
    return contactView(contact)
  })

  app.post('/contacts/:id/channels/:channel/reset', async (request) => {
    const actor = adminOnly(request)
    const { id, channel } = validated(ChannelResetParams, request.params)
    const cleared = contacts.clear(id, channel, actor)
    if (cleared === undefined) throw notFound()
    return { cleared, contact: contactView(contacts.get(id)!) }
  })
}

/** The caller's token name, when it is an admin's. */
function adminOnly(request: FastifyRequest): string {
  const principal = principalOf(request)
  if (principal.role !== 'admin') throw new HttpError('FGW_ERR_HTTP_FORBIDDEN', 403)
  return principal.name
}

const markView = (mark: BadMark | null) => mark && { since: isoTime(mark.since), reason: mark.reason }

function contactView(contact: ContactState) {
  return {
    ...contact,
    channels: contact.channels.map((c) => ({ ...c, bad: markView(c.bad) })),
    pushSubscriptions: contact.pushSubscriptions.map((s) => ({
      ...s,
      createdAt: isoTime(s.createdAt),
      bad: markView(s.bad),
    })),
  }
}

function hasBadMark(contact: ReturnType<typeof contactView>): boolean {
  return contact.channels.some((c) => c.bad) || contact.pushSubscriptions.some((s) => s.bad)
}
