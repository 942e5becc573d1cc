import { join } from 'node:path'
import type Database from 'better-sqlite3'
import type { Clock, Logger } from '../alerting/deps.ts'
import { ALERT_RULE_IDS } from '../alerting/fire/fire-rule-ids.ts'
import type { Channel, ChannelKind } from '../alerting/notify/channel.ts'
import type { PushSubscriptions } from '../alerting/notify/push-subscriptions.ts'
import type { CronJob } from '../alerting/schedules/cron-jobs.ts'
import { createNoticeSender, createOnceSender } from '../alerting/schedules/notice-sender.ts'
import { PATROL_MISSED_RULE } from '../alerting/schedules/patrol-checks.ts'
import type { ReportPeriod } from '../alerting/schedules/report-period.ts'
import { holidayCalendarOf } from '../ingest/site/holiday-schema.ts'
import type { HolidayCalendar } from '../ingest/site/holidays-cn.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../ingest/store/history-query.ts'
import { AlertReads } from './alert-reads.ts'
import { dailyAddendum } from './daily-addendum.ts'
import { createDeadlineJob } from './deadline-job.ts'
import { EvidenceFiles } from './evidence-files.ts'
import type { Actor, HazardRow } from './hazard.ts'
import { HazardDesk } from './hazard-desk.ts'
import { importHazards } from './hazard-import.ts'
import { createRegisterNoticeLog } from './hazard-notices.ts'
import { HazardService } from './hazard-service.ts'
import { HazardStore } from './hazard-store.ts'
import { createMonthlyDelivery, type MonthlyDelivery } from './monthly-delivery.ts'
import type { MonthlyDeps } from './monthly-report.ts'
import { createPdfPrinter, findBrowser, type PdfPrinter } from './pdf-printer.ts'
import type { RegisterEnv } from './register-config.ts'
import { openRegisterDb } from './register-db.ts'
import { RiskKeeper } from './risk-keeper.ts'
import { createAlertHazardJob, createVerifyJob } from './sensor-jobs.ts'
import { type TwoLists, twoLists } from './two-lists.ts'

export interface RegisterOptions {
  site: SiteModel
  dataDir: string
  /** The alert store's connection: read only, for the alerts, patrols and incidents behind figures. */
  alertsDb: Database.Database
  readings: ReadingsHistory
  channels: ReadonlyMap<ChannelKind, Channel>
  push?: PushSubscriptions | null
  clock: Clock
  log: Logger
  publicUrl: () => string
  env: RegisterEnv
  synchronous?: 'full' | 'normal'
  /** A building's risk grade moved (the wall shows the new badge). */
  gradeChanged?(building: string): void
  /** False while the GB/T 26875.3 receiver is off: fire panel components count for no intactness. */
  panelsHeard?: boolean
}

/** Every rule id an alert can carry: what a hazard or a site's register section may name. */
export const REGISTER_RULE_IDS: ReadonlySet<string> = new Set([...ALERT_RULE_IDS, PATROL_MISSED_RULE])

/**
 * The hazard register (docs/register.md), a part of its own above alerting/: it reads alerts,
 * patrol checks and incidents, and readings, and nothing below it knows of it. The gateway wires
 * it (gateway/register-wiring.ts): HTTP routes, node-cron jobs, the wall's grade badge.
 */
export function createRegister(options: RegisterOptions) {
  const { site, clock, log } = options
  const db = openRegisterDb(join(options.dataDir, 'register.db'), {
    synchronous: options.synchronous ?? 'normal',
  })
  const store = new HazardStore(db)
  const alerts = new AlertReads(options.alertsDb)
  const calendar = holidayCalendarOf(site.file.holidays)
  const tokensOf = (contact: string) => site.contact(contact)?.apiTokens ?? []
  const grades = new RiskKeeper({
    db,
    site,
    store,
    alerts,
    readings: options.readings,
    panelsHeard: options.panelsHeard ?? true,
    log,
    changed: options.gradeChanged,
  })
  const regrade = createRegrader(grades, clock, log)
  const desk = new HazardDesk({
    db,
    store,
    timezone: site.timezone,
    contactName: (id) => site.contact(id)?.name,
    tokensOf,
    changed: (row: HazardRow) => regrade.building(row.building),
  })
  const closeOut = { site, alerts, readings: options.readings }
  const hazards = new HazardService({
    site,
    store,
    desk,
    files: new EvidenceFiles(join(options.dataDir, 'evidence')),
    closeOut,
    clock,
    maxPhotos: options.env.EVIDENCE_MAX_FILES_PER_HAZARD,
    tokensOf,
  })
  const sender = createNoticeSender({
    channels: options.channels,
    push: options.push ?? null,
    log,
    siteLocale: site.locale,
  })
  const send = createOnceSender(createRegisterNoticeLog(db, clock), sender)
  const jobDeps = { site, store, desk, alerts, closeOut, send, publicUrl: options.publicUrl, log }
  const monthlyDeps: MonthlyDeps = {
    site,
    store,
    alerts,
    readings: options.readings,
    grades,
    panelsHeard: options.panelsHeard ?? true,
  }
  const delivery = createMonthlyDelivery({
    site,
    db,
    monthly: monthlyDeps,
    send,
    publicUrl: options.publicUrl,
    linkTtlDays: options.env.REPORT_LINK_TTL_DAYS,
    log,
  })
  const printer = createPdfPrinter(
    findBrowser(options.env.REPORT_PDF_BROWSER),
    options.dataDir,
    options.env.REPORT_PDF_TIMEOUT_MS,
  )
  const [hh, mm] = site.file.register.grade.dailyAt.split(':').map(Number) as [number, number]
  const jobs: CronJob[] = [
    { name: 'register-deadlines', cron: '*/5 * * * *', run: createDeadlineJob({ ...jobDeps, calendar }) },
    { name: 'register-from-alerts', cron: '*/5 * * * *', run: createAlertHazardJob(jobDeps) },
    { name: 'register-verify', cron: '*/15 * * * *', run: createVerifyJob(jobDeps) },
    { name: 'register-grades', cron: `${mm} ${hh} * * *`, run: (now) => grades.daily(now) },
    { name: 'register-grey-grades', cron: '*/5 * * * *', run: (now) => grades.regradeGrey(now) },
    { name: 'register-monthly', cron: site.file.schedules.reports.monthly, run: (now) => delivery.run(now) },
  ]
  return {
    db,
    store,
    desk,
    hazards,
    grades,
    calendar,
    delivery,
    monthlyDeps,
    printer,
    jobs,
    ruleIds: REGISTER_RULE_IDS,
    importCsv: (actor: Actor, text: string) =>
      importHazards(site, REGISTER_RULE_IDS, desk, actor, text, clock.now()),
    lists: (
      actor: Actor,
      building: string | undefined,
      locale: 'en' | 'zh-CN',
      openOnly: boolean,
    ): TwoLists => {
      const rows = store.list({
        buildings: actor.buildings,
        ...(building !== undefined ? { building } : {}),
        ...(openOnly
          ? { states: ['reported', 'assigned', 'rectifying', 'awaiting_verification', 'reopened'] }
          : {}),
        limit: 100_000,
      })
      return twoLists(site, rows, locale, clock.now())
    },
    /** The register in short, for the daily building report (alerting/schedules' addendum hook). */
    dailyAddendum: (building: string, period: ReportPeriod, now: number) =>
      dailyAddendum({ site, store, grades }, building, period, now),
    /** A change outside the register (an alert of the building): its grade is computed again. */
    alertChanged: (building: string) => regrade.building(building),
    /** Grades every building at start-up (so the wall has a badge at once). */
    start: () =>
      regrade.all(
        site.buildings.map((b) => b.id),
        'start',
      ),
    /** Waits for the grades being computed (tests, and a clean stop). */
    settled: () => regrade.settled(),
    close() {
      if (db.open) db.close()
    },
  }
}

export type RegisterPart = ReturnType<typeof createRegister>
export type { HolidayCalendar, MonthlyDelivery, PdfPrinter }

/**
 * Grades "on change", coalesced: however many changes a building sees while its grade is being
 * computed, one more computation follows, never a pile of them.
 */
function createRegrader(grades: RiskKeeper, clock: Clock, log: Logger) {
  const running = new Map<string, Promise<void>>()
  const again = new Set<string>()
  const once = (building: string, reason: 'change' | 'start'): Promise<void> => {
    const job = grades
      .grade(building, clock.now(), reason)
      .then(() => undefined)
      .catch((err: unknown) => log.error({ err, building }, 'risk grade failed'))
      .finally(() => {
        running.delete(building)
        if (again.delete(building)) void schedule(building, 'change')
      })
    running.set(building, job)
    return job
  }
  const schedule = (building: string, reason: 'change' | 'start') => {
    if (running.has(building)) again.add(building)
    else void once(building, reason)
  }
  return {
    building: (id: string) => schedule(id, 'change'),
    all: async (ids: string[], reason: 'start') => {
      for (const id of ids) await once(id, reason)
    },
    async settled() {
      while (running.size > 0) await Promise.all(running.values())
    },
  }
}
