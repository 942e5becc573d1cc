import type { Logger } from 'pino'
import type { Alert } from '../alerting/alert.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import { recipientLocale } from '../alerting/i18n/locale.ts'
import type { Incident } from '../alerting/incidents/incident.ts'
import type { Channel, ChannelKind } from '../alerting/notify/channel.ts'
import type { ChannelMarks } from '../alerting/notify/channel-marks.ts'
import {
  createChannels,
  missingAliyunTemplates,
  PushServiceHosts,
  twilioDeliveryReport,
  vapidPublicKey,
  verifyTwilioSignature,
} from '../alerting/notify/channels/index.ts'
import { TEMPLATE_IDS } from '../alerting/notify/message-builder.ts'
import { createNotifier, type Notifier } from '../alerting/notify/notifier.ts'
import type { PushSubscriptions } from '../alerting/notify/push-subscriptions.ts'
import { FirewatchError } from '../ingest/error-codes.ts'
import type { SiteModel } from '../ingest/site-model.ts'
import { configErrorMessage, type GatewayEnv } from './config.ts'
import type { AckLinkService } from './http/ack-link-routes.ts'
import type { ContactsService } from './http/contacts-routes.ts'
import type { PushService } from './http/push-routes.ts'
import { TWILIO_STATUS_PATH, type TwilioStatusService } from './http/twilio-status-routes.ts'
import type { GatewayMetrics } from './metrics.ts'

export interface NotifyWiringDeps {
  store: AlertStore
  site: SiteModel
  clock: { now(): number }
  log: Logger
  metrics: GatewayMetrics
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  /** The incident desk's acknowledge: an ack link acknowledges its whole incident. */
  acknowledgeIncident?(id: string, actor: string, note: string | null): Incident | undefined
  /** Escalation pace per building (the heightened watch of gateway/schedule-wiring.ts). */
  pace?: (building: string) => number
}

export interface Notifications {
  notifier: Notifier
  /** The configured channels, also used by the scheduled work (patrol checks, reports). */
  channels: ReadonlyMap<ChannelKind, Channel>
  /** For createHttpApp: link pages, push subscriptions, contacts admin, Twilio status callbacks. */
  http: {
    ackLinks: AckLinkService
    push: PushService
    contacts: ContactsService
    twilioStatus?: TwilioStatusService
  }
  /** Starts the dispatch loop and the escalation timer once HTTP listens (links name its port). */
  start(httpPort: number): void
}

/** Channels (alerting/notify/channels), outbox, escalation and links, wired to the gateway's parts. */
export function createNotifications(env: GatewayEnv, deps: NotifyWiringDeps): Notifications {
  let httpPort = env.HTTP_PORT
  const statusCallbackUrl = twilioCallbackUrl(env)
  const channels = createChannels(
    { ...env, TWILIO_STATUS_CALLBACK_URL: statusCallbackUrl },
    {
      dataDir: env.DATA_DIR,
      clock: deps.clock,
      log: deps.log.child({ module: 'channels' }),
    },
  )
  const notifier = createNotifier({
    store: deps.store,
    site: deps.site,
    channels,
    clock: deps.clock,
    log: deps.log.child({ module: 'notify' }),
    metrics: deps.metrics.notify.notify,
    dataDir: env.DATA_DIR,
    publicUrl: () => env.PUBLIC_URL ?? `http://localhost:${httpPort}`,
    acknowledge: deps.acknowledge,
    ...(deps.acknowledgeIncident ? { acknowledgeIncident: deps.acknowledgeIncident } : {}),
    ...(deps.pace ? { pace: deps.pace } : {}),
  })
  deps.metrics.notify.countPendingFrom(() => notifier.outbox.pendingCount())
  const push = pushService(notifier.pushSubscriptions, channels.has('push'), env)
  const log = deps.log.child({ module: 'notify' })
  const twilio =
    env.SMS_PROVIDER === 'twilio' && statusCallbackUrl
      ? twilioStatusService(notifier, env.TWILIO_AUTH_TOKEN!, statusCallbackUrl, log)
      : undefined
  return {
    notifier,
    channels,
    http: {
      ackLinks: notifier.ackLinks,
      push,
      contacts: contactsService(notifier.channelMarks, log),
      ...(twilio ? { twilioStatus: twilio } : {}),
    },
    start(port) {
      httpPort = port
      notifier.start()
    },
  }
}

/**
 * Start-up check of the Aliyun templates (nothing to check with other providers): every template
 * id the gateway sends needs a code in every language its SMS are written in (the site's, and each
 * SMS contact's own), or a default. Throws FGW_ERR_CONFIG naming each template id and language,
 * in the words of parseGatewayEnv (main.ts exits 78 on it).
 */
export function checkSmsTemplates(env: GatewayEnv, site: SiteModel): void {
  if (env.SMS_PROVIDER !== 'aliyun' || !env.ALIYUN_TEMPLATE_CODE) return
  const locales = new Set([site.locale])
  for (const contact of site.file.contacts) {
    if (contact.channels.includes('sms')) locales.add(recipientLocale(contact, site.locale))
  }
  const problems = missingAliyunTemplates(env.ALIYUN_TEMPLATE_CODE, TEMPLATE_IDS, [...locales]).map(
    ({ template, locale }) =>
      `ALIYUN_TEMPLATE_CODE: no template code for ${template} in ${locale} ` +
      `(give ${template}.${locale}=CODE, ${template}=CODE or a default CODE)`,
  )
  if (problems.length > 0) throw new FirewatchError('FGW_ERR_CONFIG', configErrorMessage(problems))
}

function pushService(subs: PushSubscriptions, enabled: boolean, env: GatewayEnv): PushService {
  const hosts = new PushServiceHosts(env.PUSH_SERVICE_HOSTS)
  return {
    add: (contact, sub, by, at) => subs.add(contact, sub, by, at),
    get: (id) => subs.get(id),
    byEndpoint: (endpoint) => subs.byEndpoint(endpoint),
    remove: (id) => subs.remove(id),
    endpointRefusal: (endpoint) => hosts.refusal(endpoint),
    // The push channel generated and keeps the pair in DATA_DIR (channels/vapid-keys.ts).
    vapidPublicKey: () => (enabled ? vapidPublicKey(env.DATA_DIR) : null),
  }
}

/**
 * Where Twilio posts delivery status: TWILIO_STATUS_CALLBACK_URL, else PUBLIC_URL's status route.
 * Without either nobody outside can reach the gateway, so no StatusCallback is asked for.
 */
function twilioCallbackUrl(env: GatewayEnv): string | undefined {
  if (env.TWILIO_STATUS_CALLBACK_URL) return env.TWILIO_STATUS_CALLBACK_URL
  return env.PUBLIC_URL ? `${env.PUBLIC_URL}${TWILIO_STATUS_PATH}` : undefined
}

function twilioStatusService(
  notifier: Notifier,
  authToken: string,
  callbackUrl: string,
  log: Logger,
): TwilioStatusService {
  return {
    // Twilio signs the URL it was given, whatever proxy the request then passed through.
    verify: (params, signature) => verifyTwilioSignature(authToken, callbackUrl, params, signature),
    record(form) {
      const report = twilioDeliveryReport(form)
      const outcome = notifier.deliveryReports.record(report)
      const fields = { providerId: report.providerId, status: report.status, outcome }
      if (report.outcome === 'undelivered')
        log.warn({ ...fields, reason: report.reason }, 'sms not delivered')
      else log.debug(fields, 'sms status reported')
    },
  }
}

function contactsService(marks: ChannelMarks, log: Logger): ContactsService {
  return {
    list: () => marks.list(),
    get: (id) => marks.get(id),
    clear(contact, channel, actor) {
      const cleared = marks.clear(contact, channel)
      // The audit record of an admin's reset: marks are not alerts, so the log is their history.
      if (cleared !== undefined) log.info({ actor, contact, channel, cleared }, 'channel mark cleared')
      return cleared
    },
  }
}
