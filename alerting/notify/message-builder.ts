import type { SiteModel } from '../../ingest/site-model.ts'
import type { Alert } from '../alert.ts'
import type { NotificationMessage } from './channel.ts'
import { allClearParams, allClearText, notificationParams, notificationText } from './message-text.ts'

/** Template ids for providers that send registered templates only (Aliyun SMS). */
export const TEMPLATES = { alert: 'FW_ALERT', digest: 'FW_DIGEST', allClear: 'FW_ALL_CLEAR' } as const

export interface AlertMessageInput {
  key: string
  alert: Alert
  ackUrl: string
  site: SiteModel
}

/** One message for one alert; the words come from message-text.ts (one SMS segment where possible). */
export function alertNotification(input: AlertMessageInput): NotificationMessage {
  const { alert, ackUrl, site } = input
  return {
    idempotencyKey: input.key,
    alertId: alert.id,
    text: notificationText(alert, ackUrl, site),
    template: TEMPLATES.alert,
    params: notificationParams(alert, ackUrl, site),
    ackUrl,
    alert: { ...alert },
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
}

const MAX_LISTED = 10

/**
 * One message listing what was folded while a recipient was over budget: a line per alert (the
 * newest ten), then the link. Digests are never fire (fire is never throttled), so the length of
 * a multi-part SMS is acceptable here.
 */
export function digestNotification(input: DigestInput): NotificationMessage {
  const { alerts, budget } = input
  const listed = alerts.slice(-MAX_LISTED).map((a) => `- ${a.class}: ${a.message} (${a.state})`)
  const more = alerts.length - listed.length
  const minutes = Math.round(budget.windowSec / 60)
  const lines = [
    `Firewatch digest: ${alerts.length} alert(s) held back (at most ${budget.max} messages per ${minutes} min)`,
    ...listed,
    ...(more > 0 ? [`and ${more} more`] : []),
    `Ack the newest: ${input.ackUrl}`,
  ]
  return {
    idempotencyKey: input.key,
    alertId: input.ackAlert.id,
    text: lines.join('\n'),
    template: TEMPLATES.digest,
    params: { ...notificationParams(input.ackAlert, input.ackUrl, input.site), count: String(alerts.length) },
    ackUrl: input.ackUrl,
    alert: { ...input.ackAlert, digest: alerts.map((a) => ({ ...a })) },
    urgent: false,
  }
}

/** The all-clear of a resolved alert; the alert JSON (state resolved) goes to structured channels. */
export function allClearNotification(input: {
  key: string
  alert: Alert
  site: SiteModel
}): NotificationMessage {
  const { alert, site } = input
  return {
    idempotencyKey: input.key,
    alertId: alert.id,
    text: allClearText(alert, site),
    template: TEMPLATES.allClear,
    params: allClearParams(alert, site),
    // Nothing to acknowledge any more.
    ackUrl: '',
    alert: { ...alert },
    urgent: false,
  }
}
