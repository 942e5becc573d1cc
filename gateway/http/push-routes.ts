import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { isoTime } from '../../alerting/clock-iso.ts'
import type { PushService } from '../../alerting/notify/notify-services.ts'
import type { StoredSubscription } from '../../alerting/notify/push-subscriptions.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import { principalOf, type TokenPrincipal } from './auth.ts'
import { HttpError } from './http-errors.ts'
import type { CountRefusal } from './http-refusals.ts'
import { validated } from './request-schemas.ts'

const base64Url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+={0,2}$/, 'URL-safe base64')
    .refine((v) => Buffer.from(v, 'base64url').length === bytes, `${what} must be ${bytes} bytes`)

/** A W3C PushSubscription (subscription.toJSON()) plus the contact it reaches. */
export const PushSubscriptionBody = z
  .object({
    contact: z
      .string()
      .regex(/^[a-z0-9-]+$/)
      .describe('contact id of the site file'),
    endpoint: z
      .url({ protocol: /^https$/ })
      .max(2048)
      .describe('push service URL (https)'),
    expirationTime: z.number().nullable().optional(),
    keys: z
      .object({
        p256dh: base64Url(65, 'p256dh (an uncompressed P-256 key)').refine(
          (v) => Buffer.from(v, 'base64url')[0] === 0x04,
          'p256dh must be an uncompressed point (0x04...)',
        ),
        auth: base64Url(16, 'auth'),
      })
      .strict(),
  })
  .strict()

export const PushEndpointBody = z.object({ endpoint: z.string().min(1) }).strict()

interface PushOptions {
  push: PushService
  site: SiteModel
  clock: { now(): number }
  countRefusal: CountRefusal
}

const unavailable = () => new HttpError('FGW_ERR_PUSH_UNAVAILABLE', 404)
const noContact = () => new HttpError('FGW_ERR_PUSH_CONTACT', 404)

export async function pushRoutes(app: FastifyInstance, options: PushOptions): Promise<void> {
  const { push, site } = options
  app.get('/push/vapid-public-key', async (request) => {
    const principal = principalOf(request)
    const publicKey = push.vapidPublicKey()
    if (publicKey === null) throw unavailable()
    // Extension: which contacts this token may sign a browser up for, so the wall can offer it.
    const contacts = site.file.contacts
      .filter((c) => c.channels.includes('push') && mayManageContact(principal, c))
      .map((c) => ({ id: c.id, name: c.name }))
    return { publicKey, contacts }
  })

  app.post('/push/subscriptions', async (request, reply) => {
    const principal = principalOf(request)
    const body = validated(PushSubscriptionBody, request.body ?? {})
    const contact = mayManage(site, principal, body.contact)
    if (!contact.channels.includes('push')) {
      const issue = {
        code: 'custom',
        path: ['contact'],
        message: `contact ${contact.id} has no push channel`,
      }
      throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, [issue])
    }
    refuseForeignEndpoint(options, body.endpoint)
    refuseTakingOver(options, principal, contact.id, body.endpoint)
    const { subscription, created } = push.add(contact.id, body, principal.name, options.clock.now())
    return reply.code(created ? 201 : 200).send(view(subscription))
  })

  app.delete<{ Params: { id: string } }>('/push/subscriptions/:id', async (request, reply) => {
    const id = /^\d{1,15}$/.test(request.params.id) ? Number(request.params.id) : Number.NaN
    removeVisible(options, principalOf(request), push.get(id))
    return reply.code(204).send()
  })

  // A browser that unsubscribes knows its endpoint, not our id.
  app.delete('/push/subscriptions', async (request, reply) => {
    const { endpoint } = validated(PushEndpointBody, request.body ?? {})
    removeVisible(options, principalOf(request), push.byEndpoint(endpoint))
    return reply.code(204).send()
  })
}

/** The contact, when the token is an admin's or linked to it (contacts[].apiTokens); else 404. */
function mayManage(site: SiteModel, principal: TokenPrincipal, contactId: string) {
  const contact = site.contact(contactId)
  if (!contact || !mayManageContact(principal, contact)) throw noContact()
  return contact
}

/** An endpoint that is not on a push service (PUSH_SERVICE_HOSTS): 400 naming the field. */
function refuseForeignEndpoint(options: PushOptions, endpoint: string): void {
  const refusal = options.push.endpointRefusal(endpoint)
  if (refusal === null) return
  options.countRefusal('push_endpoint_host')
  const issue = { code: 'custom', path: ['endpoint'], message: refusal }
  throw new HttpError('FGW_ERR_HTTP_VALIDATION', 400, undefined, [issue])
}

/**
 * Registering an endpoint again moves it to the contact of the new registration (a browser signed
 * up for someone else). That is refused with 409 when the token may not manage the contact the
 * endpoint belongs to now: otherwise a manager who learnt the endpoint of another contact's phone
 * could take its alarms. Subscriptions stay keyed by endpoint alone, since one browser receives
 * one push per message whichever contact it was for; the owner (or an admin) removes it first.
 */
function refuseTakingOver(
  options: PushOptions,
  principal: TokenPrincipal,
  contactId: string,
  endpoint: string,
): void {
  const owner = options.push.byEndpoint(endpoint)?.contact
  if (owner === undefined || owner === contactId || principal.role === 'admin') return
  const ownerContact = options.site.contact(owner)
  if (ownerContact && mayManageContact(principal, ownerContact)) return
  options.countRefusal('push_endpoint_taken')
  throw new HttpError('FGW_ERR_PUSH_ENDPOINT_TAKEN', 409)
}

function mayManageContact(principal: TokenPrincipal, contact: { apiTokens: string[] }): boolean {
  return principal.role === 'admin' || contact.apiTokens.includes(principal.name)
}

function removeVisible(
  options: PushOptions,
  principal: TokenPrincipal,
  sub: StoredSubscription | undefined,
): void {
  if (!sub) throw new HttpError('FGW_ERR_HTTP_NOT_FOUND', 404)
  // An admin may also remove subscriptions of contacts no longer in the site file.
  if (principal.role !== 'admin') mayManage(options.site, principal, sub.contact)
  options.push.remove(sub.id)
}

function view(sub: StoredSubscription) {
  return { id: sub.id, contact: sub.contact, endpoint: sub.endpoint, createdAt: isoTime(sub.created_at) }
}
