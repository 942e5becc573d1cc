import type { Agent } from 'node:https'
import { FirewatchError } from '../../../ingest/index.ts'
import type { Clock, Logger } from '../../deps.ts'
import type { Channel, ChannelKind } from '../channel.ts'
import { createAliyunProvider } from './aliyun-sms.ts'
import { type ChannelsEnv, missingChannelFields } from './channels-config.ts'
import { createLogSmsProvider } from './log-sms.ts'
import { PushServiceHosts } from './push-service-hosts.ts'
import { createSmsChannel } from './sms-channel.ts'
import type { SmsProvider } from './sms-provider.ts'
import { createTwilioProvider } from './twilio-sms.ts'
import { loadVapidKeys } from './vapid-keys.ts'
import { createWebPushChannel } from './web-push-channel.ts'
import { createWebhookChannel } from './webhook-channel.ts'

export { type MissingTemplate, missingAliyunTemplates } from './aliyun-sms.ts'
export { ChannelsEnv, ChannelsEnvChecked, checkChannelsEnv, SmsProviderName } from './channels-config.ts'
export { PushServiceHosts } from './push-service-hosts.ts'
export type { TwilioParams } from './twilio-signature.ts'
export { verifyTwilioSignature } from './twilio-signature.ts'
export { TwilioStatusForm, twilioDeliveryReport } from './twilio-status.ts'
export { vapidPublicKey } from './vapid-keys.ts'
export { verifyWebhookSignature } from './webhook-signature.ts'

export interface ChannelDeps {
  /** DATA_DIR: the VAPID key pair is kept there. */
  dataDir: string
  clock: Clock
  log: Logger
  /** HTTP client of the SMS providers and webhooks; the global fetch by default. */
  fetch?: typeof fetch
  /** TLS agent for push services (a private CA, or a test peer's self-signed certificate). */
  pushAgent?: Agent
}

/**
 * The channels the configuration enables: 'sms' when SMS_PROVIDER is not none (`log` writes each
 * text to `deps.log`), 'push' when
 * VAPID_SUBJECT is set (generating the VAPID keys on first start), 'webhook' always.
 */
export function createChannels(config: ChannelsEnv, deps: ChannelDeps): Map<ChannelKind, Channel> {
  const missing = missingChannelFields(config)
  if (missing.length > 0) {
    throw new FirewatchError(
      'FGW_ERR_CONFIG',
      `${missing.join(', ')}: required with SMS_PROVIDER=${config.SMS_PROVIDER}`,
    )
  }
  const channels = new Map<ChannelKind, Channel>()
  const provider = smsProvider(config, deps)
  if (provider) channels.set('sms', createSmsChannel(provider))
  if (config.VAPID_SUBJECT) {
    const vapid = loadVapidKeys(deps.dataDir, deps.log)
    const agent = deps.pushAgent ? { agent: deps.pushAgent } : {}
    channels.set(
      'push',
      createWebPushChannel({
        vapid,
        subject: config.VAPID_SUBJECT,
        clock: deps.clock,
        serviceHosts: new PushServiceHosts(config.PUSH_SERVICE_HOSTS),
        ...agent,
      }),
    )
  }
  const fetchOption = deps.fetch ? { fetch: deps.fetch } : {}
  channels.set(
    'webhook',
    createWebhookChannel({ clock: deps.clock, timeoutMs: config.WEBHOOK_TIMEOUT_MS, ...fetchOption }),
  )
  deps.log.info(
    { channels: [...channels.keys()], smsProvider: config.SMS_PROVIDER },
    'notification channels ready',
  )
  return channels
}

/** The configured provider; createChannels has checked that its required fields are set. */
function smsProvider(config: ChannelsEnv, deps: ChannelDeps): SmsProvider | null {
  const providerDeps = deps.fetch ? { clock: deps.clock, fetch: deps.fetch } : { clock: deps.clock }
  if (config.SMS_PROVIDER === 'twilio') {
    return createTwilioProvider(
      {
        accountSid: config.TWILIO_ACCOUNT_SID!,
        authToken: config.TWILIO_AUTH_TOKEN!,
        from: config.TWILIO_FROM!,
        baseUrl: config.TWILIO_BASE_URL,
        statusCallbackUrl: config.TWILIO_STATUS_CALLBACK_URL,
      },
      providerDeps,
    )
  }
  if (config.SMS_PROVIDER === 'log') return createLogSmsProvider(deps.log)
  if (config.SMS_PROVIDER === 'aliyun') {
    return createAliyunProvider(
      {
        accessKeyId: config.ALIYUN_ACCESS_KEY_ID!,
        accessKeySecret: config.ALIYUN_ACCESS_KEY_SECRET!,
        signName: config.ALIYUN_SIGN_NAME!,
        templateCode: config.ALIYUN_TEMPLATE_CODE!,
        endpoint: config.ALIYUN_ENDPOINT,
      },
      providerDeps,
    )
  }
  return null
}
