import type { Logger } from '../alerting/deps.ts'
import type { OnceSender } from '../alerting/schedules/notice-sender.ts'
import type { HolidayCalendar } from '../ingest/site/holidays-cn.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import { escalationDueAt, overdueNoticeAt, reminderTimes } from './deadline-clock.ts'
import type { HazardRow } from './hazard.ts'
import type { HazardDesk } from './hazard-desk.ts'
import { notifyHazard } from './hazard-notices.ts'
import type { HazardStore } from './hazard-store.ts'

export interface DeadlineJobDeps {
  site: SiteModel
  store: HazardStore
  desk: HazardDesk
  calendar: HolidayCalendar
  send: OnceSender
  publicUrl: () => string
  log: Logger
}

/**
 * Deadlines of open hazards, a plain function of time (it runs every few minutes; a restart finds
 * the same due times): the latest reminder due, "overdue" once the deadline passed (flagged at the
 * deadline, told at the next notice time), and supervision (挂牌督办) once the working days of
 * grace are over, told to the supervisors too. Each notice goes to each person once.
 */
export function createDeadlineJob(deps: DeadlineJobDeps) {
  const { site } = deps
  const tz = site.timezone
  const { notices, escalation } = site.file.register
  return async function run(now: number): Promise<void> {
    for (const open of deps.store.open()) {
      if (open.deadline === null || open.deadline_at === null) continue
      try {
        await onDeadline(open, now)
      } catch (err) {
        deps.log.error({ err, hazard: open.id }, 'hazard deadline work failed')
      }
    }
  }

  async function onDeadline(open: HazardRow, now: number): Promise<void> {
    let row = open
    const deadline = row.deadline!
    const deadlineAt = row.deadline_at!
    if (now < deadlineAt) {
      // Only the latest reminder due: a gateway that was down for days does not send three at once.
      const due = reminderTimes(deadline, notices.remindDaysBefore, notices.at, tz).filter((r) => r.at <= now)
      const last = due[due.length - 1]
      if (last) await tell(row, 'reminder', `hz:${row.id}:remind:${deadline}:${last.daysBefore}`, now)
      return
    }
    if (row.overdue_at === null) {
      row = deps.desk.system(row.id, now, 'overdue', `deadline ${deadline} passed`, (r) => ({
        ...r,
        overdue_at: deadlineAt,
      }))!
      deps.log.warn({ hazard: row.id, code: row.code, deadline }, 'hazard overdue')
    }
    if (now >= overdueNoticeAt(deadlineAt, notices.at, tz))
      await tell(row, 'overdue', `hz:${row.id}:overdue:${deadline}`, now)
    const supervisionAt = escalationDueAt(
      deadlineAt,
      escalation.graceWorkingDays,
      notices.at,
      tz,
      deps.calendar,
    )
    if (row.escalated_at === null && now >= supervisionAt) row = escalate(row, now)
    if (row.escalated_at !== null)
      await tell(row, 'escalated', `hz:${row.id}:escalated:${row.escalated_at}`, now)
  }

  function escalate(row: HazardRow, now: number): HazardRow {
    const level = escalation.level[row.severity]
    const supervisor = escalation.supervisor || null
    const note = `overdue past ${escalation.graceWorkingDays} working day(s) of grace: ${level}${supervisor ? `, ${supervisor}` : ''}`
    deps.log.warn({ hazard: row.id, code: row.code, level }, 'hazard escalated')
    return deps.desk.system(row.id, now, 'escalated', note, (r) => ({
      ...r,
      escalated_at: now,
      escalation_level: level,
      supervisor,
    }))!
  }

  async function tell(row: HazardRow, kind: 'reminder' | 'overdue' | 'escalated', key: string, now: number) {
    const { all, sent } = await notifyHazard(site, deps.send, row, kind, key, deps.publicUrl())
    // The trail says who was told, when (a notice that failed is tried again on the next run).
    if (sent.length > 0)
      deps.store.trail(row.id, now, 'notified', 'system', { note: `${kind}: ${sent.join(', ')}` })
    if (!all) deps.log.warn({ hazard: row.id, notice: key }, 'hazard notice not delivered to everyone')
  }
}
