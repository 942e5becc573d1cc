import type { CHANNEL_KINDS, SiteModel } from '../../ingest/index.ts'
import type { Logger } from '../deps.ts'
import { recipientLocale } from '../i18n/locale.ts'
import type { ChannelMarks, ContactState } from './channel-marks.ts'
import {
  type MissingTemplate,
  missingAliyunTemplates,
  PushServiceHosts,
  type TwilioParams,
  type TwilioStatusForm,
  twilioDeliveryReport,
  vapidPublicKey,
  verifyTwilioSignature,
} from './channels/index.ts'
import { TEMPLATE_IDS } from './message-builder.ts'
import type { Notifier } from './notifier.ts'
import type { PushSubscriptionJson, PushSubscriptions, StoredSubscription } from './push-subscriptions.ts'

// The services the notifier offers people and providers over HTTP (README "Notifications"): the
// contacts admin, push sign-up and Twilio's status callbacks. gateway/http's routes take these
// shapes; what they do with a request (auth, validation, answers) stays there.

/** The contacts admin: the notifier's channel marks, with an audit line for each reset. */
export interface ContactsService {
  list(): ContactState[]
  get(contactId: string): ContactState | undefined
  /** undefined: no such contact; otherwise marks cleared. `actor` is the token name (audit). */
  clear(contactId: string, channel: (typeof CHANNEL_KINDS)[number], actor: string): number | undefined
}

/** Push sign-up: the notifier's subscription store, the push service hosts and the VAPID key. */
export interface PushService {
  add(
    contact: string,
    sub: PushSubscriptionJson,
    by: string,
    at: number,
  ): { subscription: StoredSubscription; created: boolean }
  get(id: number): StoredSubscription | undefined
  byEndpoint(endpoint: string): StoredSubscription | undefined
  remove(id: number): boolean
  /** Null when a push may be sent to this endpoint (PUSH_SERVICE_HOSTS); otherwise why not. */
  endpointRefusal(endpoint: string): string | null
  /** The applicationServerKey for pushManager.subscribe; null when Web Push is not configured. */
  vapidPublicKey(): string | null
}

/** Twilio's message status callbacks: the signature check and the delivery report. */
export interface TwilioStatusService {
  /** True when X-Twilio-Signature was made with the auth token for the configured callback URL. */
  verify(params: TwilioParams, signature: string | undefined): boolean
  record(form: TwilioStatusForm): void
}

export function contactsService(marks: ChannelMarks, log: Logger): ContactsService {
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

export interface PushServiceOptions {
  /** Web Push is configured (the push channel exists). */
  enabled: boolean
  /** PUSH_SERVICE_HOSTS: where a subscription's endpoint may point. */
  serviceHosts: readonly string[]
  /** The push channel generated and keeps the VAPID pair here (channels/vapid-keys.ts). */
  dataDir: string
}

export function pushService(subs: PushSubscriptions, options: PushServiceOptions): PushService {
  const hosts = new PushServiceHosts(options.serviceHosts)
  return {
    add: (contact, sub, by, at) => subs.add(contact, sub, by, at),
    get: (id) => subs.get(id),
    byEndpoint: (endpoint) => subs.byEndpoint(endpoint),
    remove: (id) => subs.remove(id),
    endpointRefusal: (endpoint) => hosts.refusal(endpoint),
    vapidPublicKey: () => (options.enabled ? vapidPublicKey(options.dataDir) : null),
  }
}

export function twilioStatusService(
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

/**
 * The Aliyun template ids and languages ALIYUN_TEMPLATE_CODE has no code for: every template id the
 * gateway sends needs one in every language its SMS are written in (the site's, and each SMS
 * contact's own), or a default. Empty with another provider (nothing to check).
 */
export function missingSmsTemplates(
  provider: string,
  templateCodes: string | undefined,
  site: SiteModel,
): MissingTemplate[] {
  if (provider !== 'aliyun' || !templateCodes) return []
  const locales = new Set([site.locale])
  for (const contact of site.file.contacts) {
    if (contact.channels.includes('sms')) locales.add(recipientLocale(contact, site.locale))
  }
  return missingAliyunTemplates(templateCodes, TEMPLATE_IDS, [...locales])
}
