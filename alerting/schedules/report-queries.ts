import type Database from 'better-sqlite3'

/** An alert row as the reports quote it. */
export interface ReportAlertRow {
  id: string
  device: string
  floor: number
  zone: string
  class: string
  message: string
  opened_at: number
}

/**
 * The report's reads, straight from the alert tables: what was opened in a period, and what was
 * still active at its end (opened before it, not resolved by then). History is never rewritten,
 * so a report for a past period reads the same whenever it is asked for.
 */
export class ReportQueries {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  openedByClass(building: string, from: number, to: number): Map<string, number> {
    const rows = this.s.opened.all(building, from, to) as { class: string; n: number }[]
    return new Map(rows.map((r) => [r.class, r.n]))
  }

  /** Alerts of the class active at `at` (opened before, resolved after or not at all), oldest first. */
  activeAt(building: string, cls: string, at: number): ReportAlertRow[] {
    return this.s.activeAt.all({ building, cls, at }) as ReportAlertRow[]
  }

  testsDone(building: string, from: number, to: number): number {
    return (this.s.tests.get(building, from, to) as { n: number }).n
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    opened: p(
      'SELECT class, count(*) AS n FROM alerts WHERE building = ? AND opened_at >= ? AND opened_at < ? GROUP BY class',
    ),
    activeAt: p(
      `SELECT id, device, floor, zone, class, message, opened_at FROM alerts
        WHERE building = @building AND class = @cls AND opened_at < @at
          AND (resolved_at IS NULL OR resolved_at > @at)
        ORDER BY opened_at, id`,
    ),
    tests: p('SELECT count(*) AS n FROM device_tests WHERE building = ? AND at >= ? AND at < ?'),
  }
}
