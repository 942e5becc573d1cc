import type Database from 'better-sqlite3'
import type { NoticeLog, OnceSender } from '../alerting/schedules/notice-sender.ts'
import type { Contact } from '../ingest/site/notify-schema.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { HazardRow } from './hazard.ts'
import { type Locale, registerTexts } from './register-texts.ts'

/** register_notices: who already has which notice, so each goes out once (also across restarts). */
export function createRegisterNoticeLog(db: Database.Database, clock: { now(): number }): NoticeLog {
  const has = db.prepare('SELECT 1 FROM register_notices WHERE key = ? AND contact = ?')
  const mark = db.prepare('INSERT OR IGNORE INTO register_notices (key, contact, sent_at) VALUES (?, ?, ?)')
  return {
    has: (key: string, who: string) => has.get(key, who) !== undefined,
    mark: (key: string, who: string) => void mark.run(key, who, clock.now()),
  }
}

export type NoticeKind = 'reminder' | 'overdue' | 'escalated' | 'raised'

/**
 * Who hears of a hazard: its responsible person and watcher (when they are contacts), the
 * building's managers, `register.notices.to`, and for an escalation `register.escalation.notify`.
 */
export function hazardRecipients(site: SiteModel, row: HazardRow, kind: NoticeKind): Contact[] {
  const { notices, escalation } = site.file.register
  const ofBuilding = (c: Contact) => !c.buildings || c.buildings.includes(row.building)
  const ids = new Set<string>()
  for (const id of [row.responsible_contact, row.watcher_contact]) if (id) ids.add(id)
  for (const c of site.file.contacts) if (c.role === 'manager' && ofBuilding(c)) ids.add(c.id)
  for (const id of notices.to) if (ofBuilding(site.contact(id)!)) ids.add(id)
  if (kind === 'escalated') for (const id of escalation.notify) ids.add(id)
  return [...ids].map((id) => site.contact(id)).filter((c): c is Contact => c !== undefined)
}

/** The text of a notice in one language. */
export function noticeText(site: SiteModel, row: HazardRow, kind: NoticeKind, locale: Locale): string {
  const t = registerTexts(locale)
  const building = site.building(row.building)?.name ?? row.building
  const what = t.what(building, row.description.slice(0, 60))
  const deadline = row.deadline ?? '-'
  switch (kind) {
    case 'reminder':
      return t.reminder(row.code, what, deadline)
    case 'overdue':
      return t.overdue(row.code, what, deadline)
    case 'raised':
      return t.raised(row.code, what, deadline)
    case 'escalated':
      return t.escalated(row.code, what, row.escalation_level, row.supervisor || t.defaultSupervisor)
  }
}

/**
 * Sends one notice of a hazard to everyone who should have it, each once (the key names the
 * occasion: a new deadline or a new escalation is a new notice). Says who got it now, and whether
 * everyone has it.
 */
export async function notifyHazard(
  site: SiteModel,
  send: OnceSender,
  row: HazardRow,
  kind: NoticeKind,
  key: string,
  publicUrl: string,
): Promise<{ all: boolean; sent: string[] }> {
  let all = true
  const sent: string[] = []
  for (const contact of hazardRecipients(site, row, kind)) {
    const locale = contact.locale ?? site.locale
    const outcome = await send(contact, {
      key,
      text: noticeText(site, row, kind, locale),
      link: `${publicUrl}/#hazard-${row.id}`,
      body: {
        type: `hazard_${kind}`,
        hazard: row.id,
        code: row.code,
        building: row.building,
        severity: row.severity,
        deadline: row.deadline,
        escalation:
          row.escalated_at === null ? null : { level: row.escalation_level, supervisor: row.supervisor },
      },
      urgent: kind === 'escalated',
    })
    if (outcome === 'already') continue
    if ('failed' in outcome) all = false
    else sent.push(`${contact.id} (${outcome.sent})`)
  }
  return { all, sent }
}
