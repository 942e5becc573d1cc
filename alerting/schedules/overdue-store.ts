import type Database from 'better-sqlite3'

/** An active alert of a class with a deadline, as the overdue job reads it. */
export interface OpenItem {
  id: string
  building: string
  class: string
  opened_at: number
  message: string
}

/** A row of overdue_items joined with its alert. */
export interface OverdueRow extends OpenItem {
  deadline_at: number
  flagged_at: number
  notified_at: number | null
  state: string
  device: string
  floor: number
  zone: string
}

/** overdue_items (schedule-tables.ts): which long-open alerts were flagged and notified, once. */
export class OverdueStore {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  /** Active alerts of the given classes opened before `openedBefore`. */
  openOf(cls: string, openedBefore: number): OpenItem[] {
    return this.s.open.all(cls, openedBefore) as OpenItem[]
  }

  /** True when the alert was not flagged before. */
  flag(item: OpenItem, deadlineAt: number, at: number): boolean {
    const { id, building, opened_at } = item
    return this.s.flag.run(id, building, item.class, opened_at, deadlineAt, at).changes > 0
  }

  /** Flagged alerts still active whose notice has not gone out. */
  unnotified(): OverdueRow[] {
    return this.s.unnotified.all() as OverdueRow[]
  }

  notified(alertId: string, at: number): void {
    this.s.notified.run(at, alertId)
  }

  /** Overdue alerts still active, oldest deadline first; null buildings = all. */
  active(buildings: ReadonlySet<string> | null): OverdueRow[] {
    const rows = this.s.active.all() as OverdueRow[]
    return buildings === null ? rows : rows.filter((r) => buildings.has(r.building))
  }
}

const JOINED = `SELECT o.alert_id AS id, o.building, o.class, o.opened_at, o.deadline_at, o.flagged_at,
  o.notified_at, a.state, a.message, a.device, a.floor, a.zone
  FROM overdue_items o JOIN alerts a ON a.id = o.alert_id WHERE a.state <> 'resolved'`

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    open: p(
      "SELECT id, building, class, opened_at, message FROM alerts WHERE state <> 'resolved' AND class = ? AND opened_at <= ?",
    ),
    flag: p(
      'INSERT OR IGNORE INTO overdue_items (alert_id, building, class, opened_at, deadline_at, flagged_at) VALUES (?, ?, ?, ?, ?, ?)',
    ),
    unnotified: p(`${JOINED} AND o.notified_at IS NULL ORDER BY o.deadline_at LIMIT 100`),
    notified: p('UPDATE overdue_items SET notified_at = ? WHERE alert_id = ?'),
    active: p(`${JOINED} ORDER BY o.deadline_at`),
  }
}
