import type { SiteModel } from '../../ingest/index.ts'
import type { Alert } from '../alert.ts'
import { alertMessageIn } from '../alert-message.ts'
import type { Locale } from '../i18n/locale.ts'
import { messagesFor } from '../i18n/messages.ts'
import type { Incident } from '../incidents/incident.ts'
import type { NotificationMessage } from './channel.ts'
import { allClearParams, allClearText, notificationParams, notificationText } from './message-text.ts'

/**
 * Template ids for providers that send registered templates only (Aliyun SMS): alerts and their
 * escalation steps, digests, all-clears, and the notices of scheduled work (patrol checks, overdue
 * items, reports). Every one must have a code in every language the site uses (checked at start-up).
 */
export const TEMPLATES = {
  alert: 'FW_ALERT',
  digest: 'FW_DIGEST',
  allClear: 'FW_ALL_CLEAR',
  notice: 'FW_NOTICE',
} as const

/** Every template id the gateway can send. */
export const TEMPLATE_IDS: readonly string[] = Object.values(TEMPLATES)

export interface AlertMessageInput {
  key: string
  alert: Alert
  ackUrl: string
  site: SiteModel
  /** The reader's language: the contact's own, else the site's. */
  locale: Locale
  /** The incident whose first page (or escalation step) this is; its JSON goes beside the alert. */
  incident?: Incident
}

/**
 * One message for one alert - an incident's first page and its escalation steps carry its lead
 * alert; the words come from message-text.ts (one SMS segment where possible).
 */
export function alertNotification(input: AlertMessageInput): NotificationMessage {
  const { alert, ackUrl, site, locale } = input
  return {
    idempotencyKey: input.key,
    alertId: alert.id,
    locale,
    title: pushTitle(alert, site, locale),
    text: notificationText(alert, ackUrl, site, locale),
    template: TEMPLATES.alert,
    params: notificationParams(alert, ackUrl, site, locale),
    ackUrl,
    alert: { ...alert },
    ...(input.incident ? { incident: { ...input.incident } } : {}),
    urgent: alert.class === 'fire',
  }
}

export interface DigestInput {
  key: string
  /** The folded alerts, oldest first (one per alert, however often it was folded). */
  alerts: Alert[]
  /** The link acknowledges the newest folded alert that is still open. */
  ackAlert: Alert
  ackUrl: string
  site: SiteModel
  budget: { max: number; windowSec: number }
  locale: Locale
}

const MAX_LISTED = 10

/**
 * One message listing what was folded while a recipient was over budget: a line per alert (the
 * newest ten), then the link. Digests are never fire (fire is never throttled), so the length of
 * a multi-part SMS is acceptable here.
 */
export function digestNotification(input: DigestInput): NotificationMessage {
  const { alerts, budget, site, locale } = input
  const m = messagesFor(locale)
  const listed = alerts.slice(-MAX_LISTED).map((a) =>
    m.digestLine({
      type: m.classNames[a.class],
      message: alertMessageIn(site, a, locale),
      state: m.stateNames[a.state],
    }),
  )
  const more = alerts.length - listed.length
  const minutes = Math.round(budget.windowSec / 60)
  const lines = [
    m.digestHeader({ count: alerts.length, max: budget.max, minutes }),
    ...listed,
    ...(more > 0 ? [m.digestMore({ count: more })] : []),
    m.digestAck({ link: input.ackUrl }),
  ]
  return {
    idempotencyKey: input.key,
    alertId: input.ackAlert.id,
    locale,
    title: pushTitle(input.ackAlert, site, locale),
    text: lines.join('\n'),
    template: TEMPLATES.digest,
    params: {
      ...notificationParams(input.ackAlert, input.ackUrl, site, locale),
      count: String(alerts.length),
    },
    ackUrl: input.ackUrl,
    alert: { ...input.ackAlert, digest: alerts.map((a) => ({ ...a })) },
    urgent: false,
  }
}

/** The push notification's title: "FIRE - Tower A" / "火警 - 金茂大厦A座". */
function pushTitle(alert: Alert, site: SiteModel, locale: Locale): string {
  const m = messagesFor(locale)
  return m.pushTitle({
    type: m.classWords[alert.class],
    building: site.building(alert.building)?.name ?? alert.building,
  })
}

/** The all-clear of a resolved alert; the alert JSON (state resolved) goes to structured channels. */
export function allClearNotification(input: {
  key: string
  alert: Alert
  site: SiteModel
  locale: Locale
}): NotificationMessage {
  const { alert, site, locale } = input
  return {
    idempotencyKey: input.key,
    alertId: alert.id,
    locale,
    title: pushTitle(alert, site, locale),
    text: allClearText(alert, site, locale),
    template: TEMPLATES.allClear,
    params: allClearParams(alert, site, locale),
    // Nothing to acknowledge any more.
    ackUrl: '',
    alert: { ...alert },
    urgent: false,
  }
}
