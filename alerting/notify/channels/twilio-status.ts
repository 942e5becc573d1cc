import { z } from 'zod'
import type { DeliveryReport } from '../delivery-reports.ts'
import { PERMANENT_CODES } from './twilio-sms.ts'

/**
 * Delivery error codes after which this number will not receive SMS, on top of those the
 * Messages API itself answers with (twilio.com/docs/api/errors/30004 and following). Codes such
 * as 30003 (handset off or out of coverage) and 30008 (unknown) may pass: the message failed, the
 * number stays in use.
 */
const UNDELIVERABLE_CODES: Record<number, string> = {
  30004: 'message blocked by the recipient or the carrier',
  30005: 'unknown destination handset',
  30006: 'landline or unreachable carrier',
}

/** The fields of a Twilio message status callback the gateway acts on (Twilio sends more). */
export const TwilioStatusForm = z
  .object({
    MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, 'a Twilio message SID (SM + 32 hex digits)'),
    MessageStatus: z.string().regex(/^[a-z_]{1,32}$/, 'a Twilio message status such as delivered'),
    ErrorCode: z
      .string()
      .regex(/^\d{1,6}$/)
      .optional(),
  })
  .loose()
export type TwilioStatusForm = z.infer<typeof TwilioStatusForm>

/** What a status callback means for the outbox (twilio.com/docs/messaging/guides/track-outbound-message-status). */
export function twilioDeliveryReport(form: TwilioStatusForm): DeliveryReport {
  const status = form.MessageStatus
  const base = { channel: 'sms' as const, providerId: form.MessageSid, status }
  if (status === 'delivered' || status === 'read') {
    return { ...base, outcome: 'delivered', permanent: false, reason: null }
  }
  if (status !== 'undelivered' && status !== 'failed') {
    return { ...base, outcome: 'progress', permanent: false, reason: null }
  }
  const code = form.ErrorCode === undefined ? undefined : Number(form.ErrorCode)
  const known = code === undefined ? undefined : (PERMANENT_CODES[code] ?? UNDELIVERABLE_CODES[code])
  const reason =
    code === undefined ? `twilio ${status}` : `twilio ${status} ${code}${known ? `: ${known}` : ''}`
  return { ...base, outcome: 'undelivered', permanent: known !== undefined, reason }
}
