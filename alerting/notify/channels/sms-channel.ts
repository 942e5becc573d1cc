import type { Channel, SendResult } from '../channel.ts'
import { retryResult, transportFailure } from './http-outcome.ts'
import { type SmsProvider, SmsProviderError } from './sms-provider.ts'

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all. */
const E164 = /^\+[1-9]\d{6,14}$/

/**
 * Channel 'sms' over one provider. The address must be E.164; anything else would be billed and
 * rejected by the provider, or worse, reach a wrong local number, so it is refused here for good.
 */
export function createSmsChannel(provider: SmsProvider): Channel {
  return {
    kind: 'sms',
    async send(to, message): Promise<SendResult> {
      if (!E164.test(to.address)) {
        return { outcome: 'permanent', reason: `not an E.164 phone number: ${JSON.stringify(to.address)}` }
      }
      try {
        const { providerId } = await provider.send({
          to: to.address,
          ...(to.name === undefined ? {} : { recipient: to.name }),
          text: message.text,
          link: message.ackUrl,
          template: message.template,
          locale: message.locale,
          params: message.params,
          idempotencyKey: message.idempotencyKey,
        })
        return { outcome: 'sent', providerId }
      } catch (error) {
        if (error instanceof SmsProviderError) {
          return error.retryable
            ? retryResult(error.message, error.retryAfterMs)
            : { outcome: 'permanent', reason: error.message }
        }
        return { outcome: 'retry', reason: `${provider.name}: ${transportFailure(error)}` }
      }
    },
  }
}
