import { type SiteModel, toWall } from '../../ingest/index.ts'
import { isoTime, isoTimeOrNull } from '../clock-iso.ts'
import type { Clock } from '../deps.ts'
import type { BuildingReport } from './building-report.ts'
import type { PatrolCheckRow } from './patrol-store.ts'
import { renderReportHtml } from './report-html.ts'
import type { ScheduledWork } from './scheduled-work.ts'
import { wallDate } from './zone-clock.ts'

// What the scheduled work offers people over HTTP (README "Scheduled work"): reports, the overdue
// list, patrol checks and their one-tap links, in the shapes the API shows. gateway/http's routes
// decide who may see what; the status of a check and who is on duty are decided here.

/** One overdue item of GET /api/v1/overdue. */
export interface OverdueItemView {
  alertId: string
  building: string
  device: string
  floor: number
  zone: string
  class: string
  state: string
  message: string
  openedAt: string
  deadlineAt: string
  flaggedAt: string
  notifiedAt: string | null
}

/** One patrol check of GET /api/v1/patrols/checks. */
export interface PatrolCheckView {
  id: string
  patrol: string
  building: string
  sentAt: string
  dueBy: string
  status: 'pending' | 'confirmed' | 'late' | 'missed'
  confirmedAt: string | null
  confirmedBy: string | null
  alertId: string | null
}

export type ConfirmResult =
  | { status: 'confirmed' | 'already' | 'late'; check: PatrolCheckView }
  | { status: 'unknown' | 'not-on-duty' }

/** What the routes need of the scheduled work (scheduleService below builds it). */
export interface ScheduleService {
  /** `date` / `month` in the site's time zone; default the current one. */
  report(kind: 'daily' | 'monthly', building: string, label: string | undefined): BuildingReport
  reportHtml(report: BuildingReport): string
  overdue(buildings: ReadonlySet<string> | null): OverdueItemView[]
  patrolChecks(buildings: ReadonlySet<string> | null, limit: number): PatrolCheckView[]
  /** The building of a check, undefined when there is no such check. */
  checkBuilding(id: string): string | undefined
  /** Confirms as the contact whose apiTokens hold `tokenName`. */
  confirmByToken(id: string, tokenName: string): ConfirmResult
}

/** What the one-tap patrol links need (patrolLinkService below builds it). */
export interface PatrolLinkService {
  inspect(
    token: string,
  ): { status: 'valid'; check: PatrolCheckView; contact: string } | { status: 'expired' | 'invalid' }
  use(
    token: string,
  ):
    | { status: 'confirmed' | 'already' | 'late'; check: PatrolCheckView; contact: string }
    | { status: 'expired' | 'invalid' }
}

/** A patrol check as the API shows it: its status from when it was confirmed and when missed. */
export function checkView(row: PatrolCheckRow): PatrolCheckView {
  const status =
    row.confirmed_at !== null
      ? row.missed_at !== null
        ? 'late'
        : 'confirmed'
      : row.missed_at !== null
        ? 'missed'
        : 'pending'
  return {
    id: row.id,
    patrol: row.patrol,
    building: row.building,
    sentAt: isoTime(row.sent_at),
    dueBy: isoTime(row.due_by),
    status,
    confirmedAt: isoTimeOrNull(row.confirmed_at),
    confirmedBy: row.confirmed_by,
    alertId: row.alert_id,
  }
}

const CHECK_WINDOW_MS = 31 * 86_400_000

export function scheduleService(work: ScheduledWork, site: SiteModel, clock: Clock): ScheduleService {
  const contactOfToken = (tokenName: string) =>
    site.file.contacts.find((c) => c.apiTokens.includes(tokenName))
  return {
    report(kind, building, label) {
      const now = clock.now()
      const today = wallDate(toWall(now, site.timezone))
      return work.reports.build(kind, building, label ?? (kind === 'daily' ? today : today.slice(0, 7)), now)
    },
    reportHtml: renderReportHtml,
    overdue: (buildings) =>
      work.overdue.store.active(buildings).map((r) => ({
        alertId: r.id,
        building: r.building,
        device: r.device,
        floor: r.floor,
        zone: r.zone,
        class: r.class,
        state: r.state,
        message: r.message,
        openedAt: isoTime(r.opened_at),
        deadlineAt: isoTime(r.deadline_at),
        flaggedAt: isoTime(r.flagged_at),
        notifiedAt: isoTimeOrNull(r.notified_at),
      })),
    patrolChecks: (buildings, limit) =>
      work.patrolStore.list(buildings, clock.now() - CHECK_WINDOW_MS, limit).map(checkView),
    checkBuilding: (id) => work.patrolStore.get(id)?.building,
    confirmByToken(id, tokenName) {
      const contact = contactOfToken(tokenName)
      if (!contact) return { status: 'not-on-duty' }
      const result = work.patrols.confirm(id, contact.id, clock.now())
      return 'check' in result ? { status: result.status, check: checkView(result.check) } : result
    },
  }
}

/** The one-tap patrol links; `contact` is the contact's id (the page names them in their language). */
export function patrolLinkService(work: ScheduledWork, clock: Clock): PatrolLinkService {
  return {
    inspect(token) {
      const v = work.patrolLinks.verify(token)
      if ('invalid' in v) return { status: v.invalid }
      const row = work.patrolStore.get(v.checkId)
      if (!row) return { status: 'invalid' }
      return { status: 'valid', check: checkView(row), contact: v.contact }
    },
    use(token) {
      const v = work.patrolLinks.verify(token)
      if ('invalid' in v) return { status: v.invalid }
      const result = work.patrols.confirm(v.checkId, v.contact, clock.now())
      if (!('check' in result)) return { status: 'invalid' }
      return { status: result.status, check: checkView(result.check), contact: v.contact }
    },
  }
}
