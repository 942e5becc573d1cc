import type { Logger } from '../../deps.ts'
import type { SmsProvider } from './sms-provider.ts'

/**
 * SMS_PROVIDER=log: each text message is written to the gateway's log instead of a paid API, with
 * its recipient and its acknowledgement link, so anyone can read what a manager would receive
 * (README "Notification channels"). It is an ordinary provider behind the sms channel: the outbox
 * claims the job, escalation and budgets apply, and the job is recorded as sent with the id below.
 * Nobody's phone receives anything, which is why the gateway only picks it by itself for its
 * bundled demo sites.
 */
export function createLogSmsProvider(log: Logger): SmsProvider {
  return {
    name: 'log',
    async send(request) {
      // The job's key is unique per outbox job (and per notice of the scheduled work).
      const providerId = `log:${request.idempotencyKey}`
      const who = request.recipient === undefined ? request.to : `${request.recipient} ${request.to}`
      const sms = {
        to: request.to,
        recipient: request.recipient ?? null,
        locale: request.locale,
        text: request.text,
        link: request.link,
      }
      log.info({ sms }, `SMS to ${who}`)
      return { providerId }
    },
  }
}
