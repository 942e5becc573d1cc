import type Database from 'better-sqlite3'

/**
 * Tables of the scheduled work, in the alert SQLite file (DATA_DIR/alerts.db), so that patrol
 * checks, overdue items, recorded tests and sent reports survive a restart. Times are epoch ms.
 */
const SCHEDULE_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS patrol_checks (
  id TEXT PRIMARY KEY,
  patrol TEXT NOT NULL,
  building TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  due_by INTEGER NOT NULL,
  -- JSON array of the contact ids on duty when it was sent: the ones who may confirm it.
  contacts TEXT NOT NULL,
  confirmed_at INTEGER,
  confirmed_by TEXT,
  missed_at INTEGER,
  alert_id TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS patrol_checks_newest ON patrol_checks (patrol, sent_at DESC);
CREATE INDEX IF NOT EXISTS patrol_checks_pending ON patrol_checks (due_by) WHERE confirmed_at IS NULL AND missed_at IS NULL;

CREATE TABLE IF NOT EXISTS overdue_items (
  alert_id TEXT PRIMARY KEY,
  building TEXT NOT NULL,
  class TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  deadline_at INTEGER NOT NULL,
  flagged_at INTEGER NOT NULL,
  notified_at INTEGER
) STRICT;

CREATE TABLE IF NOT EXISTS device_tests (
  seq INTEGER PRIMARY KEY,
  device TEXT NOT NULL,
  building TEXT NOT NULL,
  at INTEGER NOT NULL,
  detail TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS device_tests_by_time ON device_tests (building, at);

-- Which notice (overdue notice, report) reached which contact: each goes out once.
CREATE TABLE IF NOT EXISTS notices_sent (
  key TEXT NOT NULL,
  contact TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (key, contact)
) STRICT;
`

export function createScheduleTables(db: Database.Database): void {
  db.exec(SCHEDULE_TABLES_SQL)
}
