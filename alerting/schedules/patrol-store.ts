import type Database from 'better-sqlite3'

/** A row of patrol_checks. */
export interface PatrolCheckRow {
  id: string
  patrol: string
  building: string
  sent_at: number
  due_by: number
  /** JSON array of the contact ids on duty when it was sent. */
  contacts: string
  confirmed_at: number | null
  confirmed_by: string | null
  missed_at: number | null
  alert_id: string | null
}

/** Patrol checks in the alert database (schedule-tables.ts), statements prepared once. */
export class PatrolStore {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  latest(patrol: string): PatrolCheckRow | undefined {
    return this.s.latest.get(patrol) as PatrolCheckRow | undefined
  }

  get(id: string): PatrolCheckRow | undefined {
    return this.s.get.get(id) as PatrolCheckRow | undefined
  }

  insert(row: Pick<PatrolCheckRow, 'id' | 'patrol' | 'building' | 'sent_at' | 'due_by' | 'contacts'>): void {
    this.s.insert.run(row)
  }

  /** Unconfirmed checks whose time ran out by `now`, not yet marked missed. */
  overdue(now: number): PatrolCheckRow[] {
    return this.s.overdue.all(now) as PatrolCheckRow[]
  }

  markMissed(id: string, at: number, alertId: string | null): void {
    this.s.missed.run(at, alertId, id)
  }

  /** True when this call confirmed it (false: it was confirmed before). */
  confirm(id: string, at: number, by: string): boolean {
    return this.s.confirm.run(at, by, id).changes > 0
  }

  /** Newest first, of the given buildings (null: all), sent since `since`. */
  list(buildings: ReadonlySet<string> | null, since: number, limit: number): PatrolCheckRow[] {
    if (buildings === null) return this.s.list.all(since, limit) as PatrolCheckRow[]
    return this.s.listIn.all(since, JSON.stringify([...buildings]), limit) as PatrolCheckRow[]
  }

  /** Sent, confirmed in time and missed checks of a building in [from, to). */
  counts(building: string, from: number, to: number): { sent: number; confirmed: number; missed: number } {
    return this.s.counts.get(building, from, to) as { sent: number; confirmed: number; missed: number }
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    latest: p('SELECT * FROM patrol_checks WHERE patrol = ? ORDER BY sent_at DESC LIMIT 1'),
    get: p('SELECT * FROM patrol_checks WHERE id = ?'),
    insert: p(
      'INSERT OR IGNORE INTO patrol_checks (id, patrol, building, sent_at, due_by, contacts) VALUES (@id, @patrol, @building, @sent_at, @due_by, @contacts)',
    ),
    overdue: p(
      'SELECT * FROM patrol_checks WHERE confirmed_at IS NULL AND missed_at IS NULL AND due_by <= ? ORDER BY due_by',
    ),
    missed: p('UPDATE patrol_checks SET missed_at = ?, alert_id = ? WHERE id = ?'),
    confirm: p(
      'UPDATE patrol_checks SET confirmed_at = ?, confirmed_by = ? WHERE id = ? AND confirmed_at IS NULL',
    ),
    list: p('SELECT * FROM patrol_checks WHERE sent_at >= ? ORDER BY sent_at DESC LIMIT ?'),
    listIn: p(
      'SELECT * FROM patrol_checks WHERE sent_at >= ? AND building IN (SELECT value FROM json_each(?)) ORDER BY sent_at DESC LIMIT ?',
    ),
    counts: p(
      `SELECT count(*) AS sent,
              coalesce(sum(confirmed_at IS NOT NULL AND confirmed_at <= due_by), 0) AS confirmed,
              coalesce(sum(missed_at IS NOT NULL), 0) AS missed
         FROM patrol_checks WHERE building = ? AND sent_at >= ? AND sent_at < ?`,
    ),
  }
}
