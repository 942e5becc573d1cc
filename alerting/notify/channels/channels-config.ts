import { z } from 'zod'
import { DEFAULT_PUSH_SERVICE_HOSTS, isPushServiceHostEntry } from './push-service-hosts.ts'

const Text = z.string().min(1)
const Url = z.url({ protocol: /^https?$/ })

/**
 * Where text messages go: a paid provider, `log` (each text written to the gateway's log and
 * recorded as sent: demos and trials without a provider account) or `none` (no sms channel).
 */
export const SmsProviderName = z.enum(['twilio', 'aliyun', 'log', 'none'])
export type SmsProviderName = z.infer<typeof SmsProviderName>

/**
 * Environment of the notification channels; merged into the gateway's schema and parsed once in
 * main.ts. SMS is off unless SMS_PROVIDER names a provider (the gateway picks `log` for its bundled
 * demo sites, gateway/config.ts); Web Push is off until VAPID_SUBJECT says whom push services may
 * contact; webhooks are always available.
 */
export const ChannelsEnv = z.object({
  SMS_PROVIDER: SmsProviderName.default('none'),
  TWILIO_ACCOUNT_SID: z
    .string()
    .regex(/^AC[0-9a-fA-F]{32}$/, 'expected AC followed by 32 hex digits')
    .optional(),
  TWILIO_AUTH_TOKEN: Text.optional(),
  /** A sender number in E.164 or a Messaging Service SID (MG...). */
  TWILIO_FROM: z
    .string()
    .regex(/^(\+[1-9]\d{6,14}|MG[0-9a-fA-F]{32})$/, 'expected an E.164 number or a Messaging Service SID')
    .optional(),
  TWILIO_BASE_URL: Url.default('https://api.twilio.com'),
  /** Public URL of the gateway's Twilio status callback route, when delivery receipts are wanted. */
  TWILIO_STATUS_CALLBACK_URL: Url.optional(),
  ALIYUN_ACCESS_KEY_ID: Text.optional(),
  ALIYUN_ACCESS_KEY_SECRET: Text.optional(),
  ALIYUN_SIGN_NAME: Text.optional(),
  /** `SMS_123` for every message, or by message template: `SMS_123,FW_DIGEST=SMS_456` (unnamed = default). */
  ALIYUN_TEMPLATE_CODE: z
    .string()
    .regex(/^([\w.-]+=)?\w+(,([\w.-]+=)?\w+)*$/, 'expected CODE or TEMPLATE=CODE, comma-separated')
    .optional(),
  ALIYUN_ENDPOINT: Url.default('https://dysmsapi.aliyuncs.com'),
  /** Contact sent to push services in every VAPID token: mailto:ops@example.com or an https URL. */
  VAPID_SUBJECT: z
    .string()
    .regex(/^(mailto:[^@\s]+@[^@\s]+|https:\/\/\S+)$/, 'expected mailto:address or an https: URL')
    .optional(),
  /**
   * Hosts a push subscription's endpoint may name, comma-separated: `host`, `*.domain` (any host
   * under it) or an IP address. The gateway POSTs to the endpoint, so nothing else is accepted.
   */
  PUSH_SERVICE_HOSTS: z
    .string()
    .default(DEFAULT_PUSH_SERVICE_HOSTS.join(','))
    .transform((list) =>
      list
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter((h) => h !== ''),
    )
    .pipe(
      z
        .array(
          z.string().refine(isPushServiceHostEntry, 'expected host.name, *.domain.name or an IP address'),
        )
        .min(1, 'name at least one push service host'),
    ),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
})
export type ChannelsEnv = z.infer<typeof ChannelsEnv>

const REQUIRED: Record<'twilio' | 'aliyun', Array<keyof ChannelsEnv>> = {
  twilio: ['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM'],
  aliyun: ['ALIYUN_ACCESS_KEY_ID', 'ALIYUN_ACCESS_KEY_SECRET', 'ALIYUN_SIGN_NAME', 'ALIYUN_TEMPLATE_CODE'],
}

/** Fields the chosen SMS provider needs but that are not set (`log` and `none` need none). */
export function missingChannelFields(
  env: Omit<ChannelsEnv, 'SMS_PROVIDER'> & { SMS_PROVIDER?: SmsProviderName | undefined },
): Array<keyof ChannelsEnv> {
  const provider = env.SMS_PROVIDER
  if (provider !== 'twilio' && provider !== 'aliyun') return []
  return REQUIRED[provider].filter((field) => !env[field])
}

/** Cross-field rules of ChannelsEnv: the chosen SMS provider needs its credentials. */
export function checkChannelsEnv(
  env: Parameters<typeof missingChannelFields>[0],
  ctx: z.RefinementCtx,
): void {
  for (const field of missingChannelFields(env)) {
    ctx.addIssue({ code: 'custom', path: [field], message: `required with SMS_PROVIDER=${env.SMS_PROVIDER}` })
  }
}

/** ChannelsEnv on its own, with its cross-field rules (tests, tools). */
export const ChannelsEnvChecked = ChannelsEnv.superRefine(checkChannelsEnv)
