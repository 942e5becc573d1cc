import type { Logger } from 'pino'
import type { Registry } from 'prom-client'
import type { Alert, AlertClass, AlertHistoryEntry, AlertState } from '../../alerting/alert.ts'
import type { Incident, IncidentTimelineEntry } from '../../alerting/incidents/incident.ts'
import type { Resolution } from '../../alerting/incidents/incident-keeper.ts'
import type {
  ContactsService,
  PushService,
  TwilioStatusService,
} from '../../alerting/notify/notify-services.ts'
import type { PatrolLinkService, ScheduleService } from '../../alerting/schedules/schedule-services.ts'
import type { WindowService } from '../../alerting/windows/window-service.ts'
import type { SiteModel } from '../../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../../ingest/store/history-query.ts'
import type { RegisterPart } from '../../register/register-part.ts'
import type { LiveState } from '../live/live-state.ts'
import type { LiveStream } from '../live/live-stream.ts'
import type { AckLinkService } from './ack-link-routes.ts'
import type { HttpHardening } from './http-hardening.ts'
import type { CountRefusal } from './http-refusals.ts'
import type { MetricsAccess } from './metrics-access.ts'
import type { SelfWatchService } from './self-test-routes.ts'
import type { UitdService } from './uitds-routes.ts'

export interface AlertListFilter {
  states: readonly AlertState[]
  building?: string
  class?: AlertClass
  /** Epoch ms. */
  since?: number
  /** null: every building; otherwise only alerts of these buildings. */
  buildings?: ReadonlySet<string> | null
  /** Never listed, whoever asks (the gateway's self-test building: docs/self-watch.md). */
  hidden?: ReadonlySet<string>
  limit: number
}

/** What the HTTP API needs of the alert lifecycle (structural, so gateway/http never imports it). */
export interface AlertService {
  /** Newest first. */
  list(filter: AlertListFilter): Alert[]
  get(id: string): Alert | undefined
  history(id: string): AlertHistoryEntry[]
  /** Idempotent; undefined when the id is unknown. */
  acknowledge(id: string, actor: string, note: string | null): Alert | undefined
  resolve(id: string, actor: string, note: string | null): Alert | undefined
  active(): Alert[]
}

/** What the HTTP API needs of the incident desk (alerting/incidents/incident-desk.ts). */
export interface IncidentService {
  list(filter: AlertListFilter): Incident[]
  get(id: string): Incident | undefined
  timeline(id: string): IncidentTimelineEntry[]
  /** A member alert, for the incident's detail. */
  alert(id: string): Alert | undefined
  acknowledge(id: string, actor: string, note: string | null): Incident | undefined
  resolve(id: string, actor: string, res: Resolution): Incident | undefined | 'disposition'
}

export interface HttpDeps {
  site: SiteModel
  alerts: AlertService
  incidents?: IncidentService
  live: LiveState
  /** History of a device's readings (GET /api/v1/devices/{id}/readings). */
  readings: ReadingsHistory
  registry: Registry
  /** True once the broker and the HTTP server accept connections (/healthz, docs/protocol.md). */
  ready: () => boolean
  log: Logger
  clock: { now(): number }
  /** One-tap acknowledgement links (`/ack/<token>`, no API token); not served when absent. */
  ackLinks?: AckLinkService
  /** Web Push subscriptions (`/api/v1/push/...`); not served when absent. */
  push?: PushService
  /** Contacts and their bad channel marks (`/api/v1/contacts...`, admins); not served when absent. */
  contacts?: ContactsService
  /** Twilio message status callbacks (`/twilio/status`, signed); served with Twilio and a public URL. */
  twilioStatus?: TwilioStatusService
  /** The wall's live feed (`/api/v1/live`) and the wall itself (`/`); not served when absent. */
  liveStream?: LiveStream
  /** Directory of the built sensor wall (gateway/web/dist). */
  webDir?: string
  /** Reports, overdue list and patrol checks (`/api/v1/reports/...`); not served when absent. */
  schedules?: ScheduleService
  /** One-tap patrol confirmation links (`/patrol/<token>`, no API token). */
  patrolLinks?: PatrolLinkService
  /**
   * The hazard register, risk grades and monthly reports (`/api/v1/hazards...`, `/api/v1/risk...`,
   * `/api/v1/register/...`, `/r/<token>`); not served when absent.
   */
  register?: { part: RegisterPart; limits: { evidenceMaxBytes: number; importMaxBytes: number } }
  /** Test and maintenance windows (`/api/v1/windows`); not served when absent. */
  windows?: WindowService
  /** Fire panel links (`/api/v1/uitds`, GB/T 26875.3); not served when absent. */
  uitds?: UitdService
  /** The last self-test and the heartbeat (`/api/v1/self-test`); not served when absent. */
  selfWatch?: SelfWatchService
  /** Limits, security headers, CORS, HTTPS server (gateway/http/http-hardening.ts; README "Security"). */
  hardening?: HttpHardening
  /** Counts security refusals in firewatch_http_refused_total; nothing is counted when absent. */
  countRefusal?: CountRefusal
  /** Who may read /metrics (METRICS_ACCESS); open when absent. */
  metricsAccess?: MetricsAccess
}
