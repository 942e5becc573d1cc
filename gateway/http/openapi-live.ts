import { AUTH_FAILURES } from './openapi-auth.ts'

/** OpenAPI paths of the live wall feed; added to /docs only when the app serves it. */
export function livePaths(): object {
  return {
    '/api/v1/live': {
      get: {
        summary:
          'Live wall feed (Server-Sent Events): a snapshot (buildings, active alerts and incidents), then alert, incident and devices events',
        security: [{ bearer: [] }],
        parameters: [
          {
            name: 'Last-Event-ID',
            in: 'header',
            required: false,
            description:
              'The id of the last event received: the alert and incident transitions after it are replayed',
            schema: { type: 'string' },
          },
        ],
        responses: {
          '200': {
            description: 'An endless text/event-stream; the events are described in the README',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
          ...AUTH_FAILURES,
          '503': {
            description:
              'FGW_ERR_LIMIT_CONNECTIONS: LIVE_MAX_STREAMS streams are open; retry after Retry-After ' +
              '(a 429 with the same code: LIVE_MAX_STREAMS_PER_ADDRESS from this address)',
          },
        },
      },
    },
  }
}
