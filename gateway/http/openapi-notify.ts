import { z } from 'zod'
import { AUTH_FAILURES } from './openapi-auth.ts'
import { PushEndpointBody, PushSubscriptionBody } from './push-routes.ts'

// The OpenAPI part of the notification routes, added to /docs when the app serves them.

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const html = { content: { 'text/html': { schema: { type: 'string' } } } }
const failures = AUTH_FAILURES
const notFound = { '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }
const tokenParam = { name: 'token', in: 'path', required: true, schema: { type: 'string' } }

function fromZod(schema: z.ZodType): object {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input' }) as Record<string, unknown>
  return rest
}

export function notifySchemas(): Record<string, object> {
  return {
    PushSubscriptionBody: fromZod(PushSubscriptionBody),
    PushEndpointBody: fromZod(PushEndpointBody),
    PushSubscription: {
      type: 'object',
      properties: {
        id: { type: 'integer' },
        contact: { type: 'string' },
        endpoint: { type: 'string' },
        createdAt: { type: 'string', format: 'date-time' },
      },
      required: ['id', 'contact', 'endpoint', 'createdAt'],
    },
  }
}

export function ackLinkPaths(): object {
  const page = (summary: string, ok: string) => ({
    summary,
    parameters: [tokenParam],
    responses: {
      '200': { description: ok, ...html },
      '404': { description: 'not a valid link', ...html },
      '410': { description: 'link already used or expired', ...html },
    },
  })
  const operations = (shape: string) => ({
    get: page(
      `Acknowledgement page of a notification link${shape} (no token needed; never acknowledges)`,
      'the alert and a button',
    ),
    post: page(
      `Acknowledges the alert as the contact the link${shape} was sent to; the link is then spent`,
      'acknowledged',
    ),
  })
  return {
    '/a/{token}': operations(''),
    '/ack/{token}': operations(' of an earlier version (long token)'),
  }
}

export function pushPaths(): object {
  const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
  const unsubscribe = { '204': { description: 'removed' }, ...failures, ...notFound }
  return {
    '/api/v1/push/vapid-public-key': {
      get: op('The VAPID public key for pushManager.subscribe (404 until Web Push is configured)', {
        responses: {
          '200': {
            description: 'OK',
            ...json({
              type: 'object',
              properties: {
                publicKey: { type: 'string' },
                contacts: {
                  type: 'array',
                  description:
                    'contacts with the push channel that this token may register a browser for (the wall offers the sign-up to these)',
                  items: {
                    type: 'object',
                    properties: { id: { type: 'string' }, name: { type: 'string' } },
                  },
                },
              },
            }),
          },
          ...failures,
          ...notFound,
        },
      }),
    },
    '/api/v1/push/subscriptions': {
      post: op('Registers a browser push subscription for a contact linked to the token', {
        requestBody: { required: true, ...json(ref('PushSubscriptionBody')) },
        responses: {
          '201': { description: 'stored', ...json(ref('PushSubscription')) },
          '200': {
            description: 'the endpoint was already stored; replaced',
            ...json(ref('PushSubscription')),
          },
          '409': {
            description:
              'FGW_ERR_PUSH_ENDPOINT_TAKEN: the endpoint is registered for a contact this token may not manage',
            ...json(ref('Error')),
          },
          ...invalid,
          ...failures,
          ...notFound,
        },
      }),
      delete: op('Removes the subscription with this endpoint', {
        requestBody: { required: true, ...json(ref('PushEndpointBody')) },
        responses: { ...unsubscribe, ...invalid },
      }),
    },
    '/api/v1/push/subscriptions/{id}': {
      delete: op('Removes one subscription', {
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'integer' } }],
        responses: unsubscribe,
      }),
    },
  }
}
