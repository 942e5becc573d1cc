import type Database from 'better-sqlite3'
import { type MaintenanceWindow, WINDOW_SOURCES, type WindowSource } from './window.ts'

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/** In the alert store's SQLite file, so windows survive a restart with the alerts they tag. */
const WINDOW_TABLE_SQL = `
CREATE TABLE IF NOT EXISTS windows (
  id TEXT PRIMARY KEY,
  building TEXT NOT NULL,
  floor INTEGER,
  zone TEXT,
  device TEXT,
  reason TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN (${list(WINDOW_SOURCES)})),
  created_by TEXT NOT NULL,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL CHECK (ends_at > starts_at),
  closed_at INTEGER
) STRICT;
CREATE INDEX IF NOT EXISTS windows_by_end ON windows (ends_at);
`

interface WindowRow {
  id: string
  building: string
  floor: number | null
  zone: string | null
  device: string | null
  reason: string
  source: string
  created_by: string
  starts_at: number
  ends_at: number
  closed_at: number | null
}

const COLUMNS = 'id, building, floor, zone, device, reason, source, created_by, starts_at, ends_at, closed_at'

/** Reads and writes window rows; the keeper (window-keeper.ts) owns the rules. */
export class WindowStore {
  private readonly insertRow: Database.Statement
  private readonly closeRow: Database.Statement
  private readonly byId: Database.Statement
  private readonly notEnded: Database.Statement
  private readonly recent: Database.Statement

  constructor(db: Database.Database) {
    db.exec(WINDOW_TABLE_SQL)
    this.insertRow = db.prepare(
      `INSERT INTO windows (${COLUMNS}) VALUES (@id, @building, @floor, @zone, @device, @reason, ` +
        '@source, @created_by, @starts_at, @ends_at, @closed_at)',
    )
    this.closeRow = db.prepare('UPDATE windows SET closed_at = ? WHERE id = ? AND closed_at IS NULL')
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM windows WHERE id = ?`)
    this.notEnded = db.prepare(
      `SELECT ${COLUMNS} FROM windows WHERE closed_at IS NULL AND ends_at > ? ORDER BY starts_at, id`,
    )
    this.recent = db.prepare(
      `SELECT ${COLUMNS} FROM windows WHERE ends_at > ? ORDER BY starts_at DESC, id DESC LIMIT ?`,
    )
  }

  insert(w: MaintenanceWindow): void {
    this.insertRow.run({
      id: w.id,
      building: w.building,
      floor: w.floor,
      zone: w.zone,
      device: w.device,
      reason: w.reason,
      source: w.source,
      created_by: w.createdBy,
      starts_at: w.startsAt,
      ends_at: w.endsAt,
      closed_at: w.closedAt,
    })
  }

  /** True when the window was open and is now closed. */
  close(id: string, at: number): boolean {
    return this.closeRow.run(at, id).changes > 0
  }

  get(id: string): MaintenanceWindow | undefined {
    const row = this.byId.get(id) as WindowRow | undefined
    return row && fromRow(row)
  }

  /** Windows not closed and not yet past their end (current and future ones). */
  notEndedAt(now: number): MaintenanceWindow[] {
    return (this.notEnded.all(now) as WindowRow[]).map(fromRow)
  }

  /** Windows ending after `since`, newest first (the API lists recent ones too). */
  endingAfter(since: number, limit: number): MaintenanceWindow[] {
    return (this.recent.all(since, limit) as WindowRow[]).map(fromRow)
  }
}

function fromRow(r: WindowRow): MaintenanceWindow {
  return {
    id: r.id,
    building: r.building,
    floor: r.floor,
    zone: r.zone,
    device: r.device,
    reason: r.reason,
    // The CHECK constraint keeps it within the union.
    source: r.source as WindowSource,
    createdBy: r.created_by,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    closedAt: r.closed_at,
  }
}
