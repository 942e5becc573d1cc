import { type Patrol, type SiteModel, toWall } from '../../ingest/index.ts'
import type { AlertSignal, AlertTransition } from '../alert.ts'
import { isoTime } from '../clock-iso.ts'
import type { Logger } from '../deps.ts'
import type { NoticeSender } from './notice-sender.ts'
import { CHECK_ID_PREFIX, type PatrolLinks } from './patrol-links.ts'
import type { PatrolCheckRow, PatrolStore } from './patrol-store.ts'
import { textsFor } from './schedule-texts.ts'
import { periodAt } from './watch-periods.ts'
import { wallText } from './zone-clock.ts'

/** The rule of the supervisory alert a missed check raises. */
export const PATROL_MISSED_RULE = 'duty.patrol_missed'

export interface PatrolChecksOptions {
  site: SiteModel
  store: PatrolStore
  links: PatrolLinks
  send: NoticeSender
  /** The alert lifecycle's apply: the missed check's alert is escalated by the building's policy. */
  raise(signal: AlertSignal): AlertTransition | null
  log: Logger
}

export type ConfirmOutcome =
  | { status: 'confirmed' | 'already' | 'late'; check: PatrolCheckRow }
  | { status: 'unknown' | 'not-on-duty' }

export interface PatrolChecks {
  /**
   * The patrol job, a plain function of time: marks checks whose time ran out as missed (raising
   * the alert), then sends the next check of every patrol whose interval has passed. Resolves
   * when the checks went out.
   */
  run(now: number): Promise<void>
  /** The on-duty contact `contact` confirms the check (API or one-tap link). */
  confirm(checkId: string, contact: string, now: number): ConfirmOutcome
}

export function createPatrolChecks(options: PatrolChecksOptions): PatrolChecks {
  const { site, store } = options
  const patrols = new Map(site.file.schedules.patrols.map((p) => [p.id, p]))
  return {
    async run(now) {
      for (const row of store.overdue(now)) missed(options, patrols.get(row.patrol), row, now)
      const sends: Promise<unknown>[] = []
      for (const patrol of patrols.values()) {
        const latest = store.latest(patrol.id)
        if (latest && now < latest.sent_at + patrol.everyMin * 60_000) continue
        sends.push(issue(options, patrol, now))
      }
      await Promise.all(sends)
    },
    confirm(checkId, contact, now) {
      const row = store.get(checkId)
      const patrol = row && patrols.get(row.patrol)
      if (!row || !patrol) return { status: 'unknown' }
      if (!onDutyOf(row).includes(contact)) return { status: 'not-on-duty' }
      if (!store.confirm(checkId, now, contact)) return { status: 'already', check: store.get(checkId)! }
      const check = store.get(checkId)!
      options.log.info({ check: checkId, contact, late: row.missed_at !== null }, 'patrol check confirmed')
      return { status: row.missed_at === null ? 'confirmed' : 'late', check }
    },
  }
}

/** Writes the check first, then sends it: a crash in between means a missed check, never two. */
async function issue(options: PatrolChecksOptions, patrol: Patrol, now: number): Promise<void> {
  const { site, store } = options
  const id = `${CHECK_ID_PREFIX}${patrol.id}-${now.toString(36)}`
  const dueBy = now + patrol.confirmWithinSec * 1000
  const onDuty = onDutyAt(patrol, now, site.timezone)
  const contacts = JSON.stringify(onDuty)
  store.insert({ id, patrol: patrol.id, building: patrol.building, sent_at: now, due_by: dueBy, contacts })
  const by = wallText(toWall(dueBy, site.timezone)).slice(11)
  for (const contactId of onDuty) {
    const contact = site.contact(contactId)
    if (!contact) continue
    const link = options.links.issue(id, contact.id, dueBy)
    const text = textsFor(contact.locale ?? site.locale).patrolCheck(patrol.id, by)
    const body = {
      type: 'patrol_check',
      check: id,
      patrol: patrol.id,
      building: patrol.building,
      dueBy: isoTime(dueBy),
      confirmUrl: link,
    }
    const outcome = await options.send(contact, { key: id, text, link, body, urgent: true })
    options.log.info({ check: id, contact: contact.id, outcome }, 'patrol check sent')
  }
}

function missed(
  options: PatrolChecksOptions,
  patrol: Patrol | undefined,
  row: PatrolCheckRow,
  now: number,
): void {
  const { site } = options
  if (!patrol) {
    // The patrol left the site file: its old checks are closed without an alert.
    options.store.markMissed(row.id, now, null)
    return
  }
  const texts = textsFor(site.locale)
  const names = onDutyOf(row)
    .map((id) => site.contact(id)?.name ?? id)
    .join(', ')
  const sent = wallText(toWall(row.sent_at, site.timezone))
  const signal: AlertSignal = {
    type: 'raise',
    device: `patrol-${patrol.id}`,
    building: patrol.building,
    floor: patrol.floor,
    zone: patrol.zone,
    rule: PATROL_MISSED_RULE,
    class: 'supervisory',
    metric: null,
    value: null,
    threshold: null,
    at: now,
    receivedAt: now,
    // A missed presence check needs a person to look at it: it never clears by itself.
    latched: true,
    detail: texts.patrolMissed(sent, patrol.confirmWithinSec, names),
  }
  let alertId: string | null
  try {
    alertId = options.raise(signal)?.alert.id ?? null
  } catch (err) {
    // Not marked missed: the next run raises it again rather than lose the alert.
    options.log.error({ err, check: row.id }, 'missed patrol check: alert not raised')
    return
  }
  options.store.markMissed(row.id, now, alertId)
  options.log.warn({ check: row.id, patrol: patrol.id, alertId }, 'patrol check missed')
}

/** The contacts of the shifts on at `now` (all of them), else the patrol's own contacts. */
export function onDutyAt(patrol: Patrol, now: number, tz: string): string[] {
  const wallNow = toWall(now, tz)
  const shifts = patrol.shifts.filter((shift) => periodAt(shift, wallNow) !== null)
  return shifts.length === 0 ? patrol.contacts : [...new Set(shifts.flatMap((shift) => shift.contacts))]
}

function onDutyOf(row: PatrolCheckRow): string[] {
  return JSON.parse(row.contacts) as string[]
}
