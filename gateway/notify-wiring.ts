import type { Logger } from 'pino'
import type { Alert } from '../alerting/alert.ts'
import type { AlertStore } from '../alerting/alert-store.ts'
import type { Incident } from '../alerting/incidents/incident.ts'
import type { Channel, ChannelKind } from '../alerting/notify/channel.ts'
import { createChannels } from '../alerting/notify/channels/index.ts'
import { createNotifier, type Notifier } from '../alerting/notify/notifier.ts'
import {
  type ContactsService,
  contactsService,
  missingSmsTemplates,
  type PushService,
  pushService,
  type TwilioStatusService,
  twilioStatusService,
} from '../alerting/notify/notify-services.ts'
import { FirewatchError } from '../ingest/error-codes.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { configErrorMessage, type GatewayEnv } from './config.ts'
import type { AckLinkService } from './http/ack-link-routes.ts'
import { TWILIO_STATUS_PATH } from './http/twilio-status-routes.ts'
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
  return {
    notifier,
    channels,
    http: notifyHttp(env, notifier, channels, statusCallbackUrl, deps.log.child({ module: 'notify' })),
    start(port) {
      httpPort = port
      notifier.start()
    },
  }
}

/** What the HTTP routes of notifications need, built from the notifier's parts. */
function notifyHttp(
  env: GatewayEnv,
  notifier: Notifier,
  channels: ReadonlyMap<ChannelKind, Channel>,
  statusCallbackUrl: string | undefined,
  log: Logger,
): Notifications['http'] {
  const twilio =
    env.SMS_PROVIDER === 'twilio' && statusCallbackUrl
      ? twilioStatusService(notifier, env.TWILIO_AUTH_TOKEN!, statusCallbackUrl, log)
      : undefined
  return {
    ackLinks: notifier.ackLinks,
    push: pushService(notifier.pushSubscriptions, {
      enabled: channels.has('push'),
      serviceHosts: env.PUSH_SERVICE_HOSTS,
      dataDir: env.DATA_DIR,
    }),
    contacts: contactsService(notifier.channelMarks, log),
    ...(twilio ? { twilioStatus: twilio } : {}),
  }
}

/**
 * Start-up check of the Aliyun templates (alerting/notify/notify-services.ts says which are needed).
 * Throws FGW_ERR_CONFIG naming each template id and language, in the words of parseGatewayEnv
 * (main.ts exits 78 on it).
 */
export function checkSmsTemplates(env: GatewayEnv, site: SiteModel): void {
  const problems = missingSmsTemplates(env.SMS_PROVIDER, env.ALIYUN_TEMPLATE_CODE, site).map(
    ({ template, locale }) =>
      `ALIYUN_TEMPLATE_CODE: no template code for ${template} in ${locale} ` +
      `(give ${template}.${locale}=CODE, ${template}=CODE or a default CODE)`,
  )
  if (problems.length > 0) throw new FirewatchError('FGW_ERR_CONFIG', configErrorMessage(problems))
}

/**
 * Where Twilio posts delivery status: TWILIO_STATUS_CALLBACK_URL, else PUBLIC_URL's status route.
 * Without either nobody outside can reach the gateway, so no StatusCallback is asked for.
 */
function twilioCallbackUrl(env: GatewayEnv): string | undefined {
  if (env.TWILIO_STATUS_CALLBACK_URL) return env.TWILIO_STATUS_CALLBACK_URL
  return env.PUBLIC_URL ? `${env.PUBLIC_URL}${TWILIO_STATUS_PATH}` : undefined
}
