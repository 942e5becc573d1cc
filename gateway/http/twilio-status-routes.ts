import type { FastifyInstance } from 'fastify'
import { type TwilioParams, TwilioStatusForm } from '../../alerting/notify/channels/index.ts'
import type { TwilioStatusService } from '../../alerting/notify/notify-services.ts'
import { HttpError } from './http-errors.ts'
import type { CountRefusal } from './http-refusals.ts'
import { validated } from './request-schemas.ts'

export const TWILIO_STATUS_PATH = '/twilio/status'

/**
 * `POST /twilio/status`: Twilio's message status callbacks. No API token: the X-Twilio-Signature
 * (HMAC-SHA1 of the callback URL and the sorted form parameters, keyed with the auth token) is the
 * credential, and it is checked before anything in the body is believed.
 */
export async function twilioStatusRoutes(
  app: FastifyInstance,
  options: { twilio: TwilioStatusService; countRefusal: CountRefusal },
): Promise<void> {
  acceptOnlyForms(app, options.countRefusal)

  app.post(TWILIO_STATUS_PATH, async (request, reply) => {
    const params = (request.body ?? emptyParams()) as TwilioParams
    const signature = request.headers['x-twilio-signature']
    if (!options.twilio.verify(params, typeof signature === 'string' ? signature : undefined)) {
      options.countRefusal('twilio_signature')
      throw new HttpError('FGW_ERR_TWILIO_SIGNATURE', 403)
    }
    options.twilio.record(validated(TwilioStatusForm, params))
    // Twilio only needs a 2xx; the body is ignored.
    return reply.code(204).send()
  })
}

/**
 * Twilio posts application/x-www-form-urlencoded, and the signature is computed over form fields.
 * In this route's scope every other body (JSON, text, anything) is refused with 415 before it is
 * parsed: a JSON body held values of other types (numbers, objects) that the signature check was
 * never meant to see, and it answered 500.
 */
function acceptOnlyForms(app: FastifyInstance, countRefusal: CountRefusal): void {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string', bodyLimit: 16_384 },
    (_request, body, done) => done(null, formParams(String(body))),
  )
  app.addContentTypeParser('*', (_request, _payload, done) => {
    countRefusal('twilio_media_type')
    done(new HttpError('FGW_ERR_TWILIO_MEDIA_TYPE', 415), undefined)
  })
}

function emptyParams(): TwilioParams {
  return Object.create(null) as TwilioParams
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
