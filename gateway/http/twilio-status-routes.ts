import type { FastifyInstance } from 'fastify'
import { type TwilioParams, TwilioStatusForm } from '../../alerting/notify/channels/index.ts'
import { HttpError } from './http-errors.ts'
import { validated } from './request-schemas.ts'

/** What the status-callback route needs (structural: the wiring builds it from the notifier). */
export interface TwilioStatusService {
  /** True when X-Twilio-Signature was made with the auth token for the configured callback URL. */
  verify(params: TwilioParams, signature: string | undefined): boolean
  record(form: TwilioStatusForm): void
}

export const TWILIO_STATUS_PATH = '/twilio/status'

/**
 * `POST /twilio/status`: Twilio's message status callbacks. No API token: the X-Twilio-Signature
 * (HMAC-SHA1 of the callback URL and the sorted form parameters, keyed with the auth token) is the
 * credential, and it is checked before anything in the body is believed.
 */
export async function twilioStatusRoutes(
  app: FastifyInstance,
  options: { twilio: TwilioStatusService },
): Promise<void> {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_request, body, done) => done(null, formParams(String(body))),
  )

  app.post(TWILIO_STATUS_PATH, async (request, reply) => {
    const params = (request.body ?? {}) as TwilioParams
    const signature = request.headers['x-twilio-signature']
    if (!options.twilio.verify(params, typeof signature === 'string' ? signature : undefined)) {
      throw new HttpError('FGW_ERR_TWILIO_SIGNATURE', 403)
    }
    options.twilio.record(validated(TwilioStatusForm, params))
    // Twilio only needs a 2xx; the body is ignored.
    return reply.code(204).send()
  })
}

/** Form fields; a repeated name keeps every value, as the signature covers each of them. */
function formParams(body: string): TwilioParams {
  // No prototype: a field named __proto__ must be an ordinary (signed) field, not a prototype.
  const params: Record<string, string | string[]> = Object.create(null)
  for (const [name, value] of new URLSearchParams(body)) {
    const seen = params[name]
    if (seen === undefined) params[name] = value
    else params[name] = typeof seen === 'string' ? [seen, value] : [...seen, value]
  }
  return params
}
