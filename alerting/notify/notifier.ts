import type { SiteModel } from '../../ingest/index.ts'
import type { Alert } from '../alert.ts'
import type { AlertStore } from '../alert-store.ts'
import type { Clock, Logger } from '../deps.ts'
import { recipientLocale } from '../i18n/locale.ts'
import type { Incident } from '../incidents/incident.ts'
import { IncidentStore } from '../incidents/incident-store.ts'
import { type AckLinks, createAckLinks } from './ack-links.ts'
import { loadOrCreateAckKey } from './ack-token.ts'
import type { Channel, ChannelKind } from './channel.ts'
import { type ChannelMarks, createChannelMarks } from './channel-marks.ts'
import { ContactDirectory } from './contact-directory.ts'
import { createDeliveryReports, type DeliveryReports } from './delivery-reports.ts'
import { createEscalation, type Escalation } from './escalation.ts'
import { EscalationStore } from './escalation-store.ts'
import { HeldReports } from './held-reports.ts'
import { IncidentEscalations } from './incident-escalations.ts'
import { IncidentJobs } from './incident-jobs.ts'
import { acknowledgersOf, incidentNow } from './incident-read.ts'
import { type NotifyContext, type NotifyMetrics, noMetrics } from './notify-context.ts'
import { createNotifyHook, type NotifyHook } from './notify-hook.ts'
import { createDispatcher, type Dispatcher } from './outbox-dispatcher.ts'
import { OutboxStore } from './outbox-store.ts'
import { PushSubscriptions } from './push-subscriptions.ts'

export interface NotifierOptions {
  /** The alert store: the outbox lives in the same SQLite file and transactions. */
  store: AlertStore
  site: SiteModel
  channels: ReadonlyMap<ChannelKind, Channel>
  clock: Clock
  log: Logger
  metrics?: NotifyMetrics
  /** Where the acknowledgement-link key is kept (generated on first start). */
  dataDir: string
  /** PUBLIC_URL; a function because the default names the HTTP port, known once listening. */
  publicUrl: () => string
  /** The lifecycle's acknowledge (links of older gateways act through it). */
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  /**
   * The incident desk's acknowledge (alerting/incidents/incident-desk.ts): a link acknowledges its
   * whole incident through it, so escalation stops the same way. Without it, the link acknowledges
   * an open member of the incident, which the incident keeper spreads to the others.
   */
  acknowledgeIncident?(id: string, actor: string, note: string | null): Incident | undefined
  random?: () => number
  sendTimeoutMs?: number
  /** Escalation pace per building (heightened watch): ack timeouts are multiplied by it. */
  pace?: (building: string) => number
}

export interface Notifier extends NotifyHook {
  ackLinks: AckLinks
  pushSubscriptions: PushSubscriptions
  dispatcher: Dispatcher
  escalation: Escalation
  outbox: OutboxStore
  /** Provider reports on sent messages (SMS delivery receipts). */
  deliveryReports: DeliveryReports
  /** Contacts' channels and the marks permanent failures left on them. */
  channelMarks: ChannelMarks
  /** Dispatch loop (plus kicks) and escalation timer. */
  start(intervals?: { dispatchMs?: number; escalationMs?: number }): void
  stop(): Promise<void>
}

/** Contacts, outbox, dispatcher, escalation and links, on the alert store's database. */
export function createNotifier(options: NotifierOptions): Notifier {
  const ctx = notifyContext(options)
  const released = ctx.outbox.releaseClaims()
  if (released > 0)
    ctx.log.warn({ jobs: released }, 'notification jobs in flight at the last stop are sent again')
  const adopted = ctx.incidentEscalations.adoptAlertEscalations()
  if (adopted > 0)
    ctx.log.info({ escalations: adopted }, 'escalations of single alerts go on as their incidents’')
  const ackLinks = ackLinksOf(options, ctx)
  const dispatcher = createDispatcher({
    ctx,
    channels: options.channels,
    links: ackLinks,
    ...(options.random ? { random: options.random } : {}),
    ...(options.sendTimeoutMs ? { sendTimeoutMs: options.sendTimeoutMs } : {}),
  })
  const escalation = createEscalation(ctx)
  const deliveryReports = createDeliveryReports(ctx, () => dispatcher.kick())
  const timer = escalationTimer(ctx, escalation, dispatcher, deliveryReports)
  return {
    ...createNotifyHook(ctx, () => dispatcher.kick()),
    ackLinks,
    pushSubscriptions: ctx.push,
    dispatcher,
    escalation,
    outbox: ctx.outbox,
    deliveryReports,
    channelMarks: createChannelMarks(ctx),
    start(intervals = {}) {
      dispatcher.start(intervals.dispatchMs ?? 200)
      timer.start(intervals.escalationMs ?? 1000)
      // Jobs left pending by the previous run go out now, not at the first interval.
      dispatcher.kick()
    },
    async stop() {
      timer.stop()
      await dispatcher.stop()
    },
  }
}

function notifyContext(options: NotifierOptions): NotifyContext {
  const { store } = options
  // The outbox first: it creates and migrates the notification tables.
  const outbox = new OutboxStore(store.db)
  return {
    alerts: store,
    outbox,
    escalations: new EscalationStore(store.db),
    incidents: new IncidentStore(store.db),
    incidentJobs: new IncidentJobs(store.db),
    incidentEscalations: new IncidentEscalations(store.db),
    held: new HeldReports(store.db),
    push: new PushSubscriptions(store.db),
    directory: new ContactDirectory(options.site, options.pace),
    available: new Set(options.channels.keys()),
    clock: options.clock,
    log: options.log,
    metrics: options.metrics ?? noMetrics,
  }
}

function ackLinksOf(options: NotifierOptions, ctx: NotifyContext): AckLinks {
  return createAckLinks({
    db: options.store.db,
    key: loadOrCreateAckKey(options.dataDir),
    clock: options.clock,
    publicUrl: options.publicUrl,
    ttlMs: ctx.directory.settings.ackLinkTtlSec * 1000,
    getAlert: (id) => options.store.get(id),
    acknowledge: options.acknowledge,
    getIncident: (id) => incidentNow(ctx, id)?.incident,
    acknowledgers: (id) => acknowledgersOf(ctx, id),
    acknowledgeIncident:
      options.acknowledgeIncident ??
      ((id, actor, note) => {
        const open = options.store.incidentMembers(id).find((m) => m.state === 'open')
        if (open) options.acknowledge(open.id, actor, note)
        return incidentNow(ctx, id)?.incident
      }),
    contactOf: (id) => {
      const contact = ctx.directory.contact(id)
      return contact && { name: contact.name, locale: recipientLocale(contact, options.site.locale) }
    },
    site: options.site,
  })
}

/**
 * Calls escalate(now) every interval (a step that queued jobs kicks the dispatcher), and drops the
 * held delivery reports whose message never turned up.
 */
function escalationTimer(
  ctx: NotifyContext,
  escalation: Escalation,
  dispatcher: Dispatcher,
  reports: DeliveryReports,
) {
  let timer: NodeJS.Timeout | null = null
  const tick = () => {
    try {
      const now = ctx.clock.now()
      if (escalation.escalate(now) > 0) dispatcher.kick()
      reports.expire(now)
    } catch (err) {
      ctx.log.error({ err }, 'escalation tick failed')
    }
  }
  return {
    start(intervalMs: number) {
      timer ??= setInterval(tick, intervalMs)
    },
    stop() {
      if (timer) clearInterval(timer)
    },
  }
}
