import { z } from 'zod'
import { ContactsQuery } from './contacts-routes.ts'
import { AUTH_FAILURES } from './openapi-auth.ts'

// The OpenAPI part of the contacts admin routes and the Twilio status callback (README "Notifications").

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` })
const json = (schema: object) => ({ content: { 'application/json': { schema } } })
const errorBody = json(ref('Error'))
const adminFailures = {
  ...AUTH_FAILURES,
  '403': { description: 'The token is not an admin token', ...errorBody },
}
const notFound = { '404': { $ref: '#/components/responses/NotFound' } }
const invalid = { '400': { $ref: '#/components/responses/BadRequest' } }
const idParam = {
  name: 'id',
  in: 'path',
  required: true,
  description: 'contact id',
  schema: { type: 'string' },
}

const mark = {
  oneOf: [
    { type: 'null' },
    {
      type: 'object',
      properties: { since: { type: 'string', format: 'date-time' }, reason: { type: 'string' } },
      required: ['since', 'reason'],
    },
  ],
}

export function contactsSchemas(): Record<string, object> {
  return {
    ContactState: {
      type: 'object',
      properties: {
        id: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        buildings: { oneOf: [{ type: 'null' }, { type: 'array', items: { type: 'string' } }] },
        channels: {
          type: 'array',
          description: 'in the order they are tried; `bad` is set while a permanent failure mark applies',
          items: {
            type: 'object',
            properties: {
              channel: { enum: ['sms', 'push', 'webhook'] },
              address: { type: ['string', 'null'] },
              bad: mark,
            },
          },
        },
        pushSubscriptions: {
          type: 'array',
          items: {
            type: 'object',
            properties: {
              id: { type: 'integer' },
              endpoint: { type: 'string' },
              createdAt: { type: 'string', format: 'date-time' },
              bad: mark,
            },
          },
        },
      },
      required: ['id', 'name', 'role', 'buildings', 'channels', 'pushSubscriptions'],
    },
  }
}

export function contactsPaths(): object {
  const op = (summary: string, extra: object) => ({ summary, security: [{ bearer: [] }], ...extra })
  const query = z.toJSONSchema(ContactsQuery, { io: 'input' }) as { properties: Record<string, object> }
  return {
    '/api/v1/contacts': {
      get: op('Contacts of the site file with their channels and bad marks (admin)', {
        parameters: Object.entries(query.properties).map(([name, schema]) => ({ name, in: 'query', schema })),
        responses: {
          '200': {
            description: 'OK',
            ...json({
              type: 'object',
              properties: { contacts: { type: 'array', items: ref('ContactState') } },
            }),
          },
          ...invalid,
          ...adminFailures,
        },
      }),
    },
    '/api/v1/contacts/{id}': {
      get: op('One contact with its channels and bad marks (admin)', {
        parameters: [idParam],
        responses: {
          '200': { description: 'OK', ...json(ref('ContactState')) },
          ...invalid,
          ...adminFailures,
          ...notFound,
        },
      }),
    },
    '/api/v1/contacts/{id}/channels/{channel}/reset': {
      post: op('Clears the bad mark of a channel (push: of every subscription of the contact) (admin)', {
        parameters: [
          idParam,
          { name: 'channel', in: 'path', required: true, schema: { enum: ['sms', 'push', 'webhook'] } },
        ],
        responses: {
          '200': {
            description: 'how many marks were cleared (0 when there was none), and the contact now',
            ...json({
              type: 'object',
              properties: { cleared: { type: 'integer' }, contact: ref('ContactState') },
            }),
          },
          ...invalid,
          ...adminFailures,
          ...notFound,
        },
      }),
    },
  }
}

export function twilioStatusPaths(): object {
  return {
    '/twilio/status': {
      post: {
        summary:
          'Twilio message status callback (form-encoded; no API token: X-Twilio-Signature is checked against the configured callback URL)',
        parameters: [
          { name: 'X-Twilio-Signature', in: 'header', required: true, schema: { type: 'string' } },
        ],
        requestBody: {
          required: true,
          content: {
            'application/x-www-form-urlencoded': {
              schema: {
                type: 'object',
                properties: {
                  MessageSid: { type: 'string' },
                  MessageStatus: { type: 'string' },
                  ErrorCode: { type: 'string' },
                },
                required: ['MessageSid', 'MessageStatus'],
              },
            },
          },
        },
        responses: {
          '204': { description: 'recorded' },
          ...invalid,
          '403': { description: 'the signature does not match', ...errorBody },
          '415': {
            description: 'FGW_ERR_TWILIO_MEDIA_TYPE: the body is not application/x-www-form-urlencoded',
            ...errorBody,
          },
        },
      },
    },
  }
}
