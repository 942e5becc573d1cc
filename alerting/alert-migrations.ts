import type Database from 'better-sqlite3'
import { HISTORY_ACTIONS } from './alert.ts'
import { ALERT_EXTENSION_COLUMNS, historyTableSql } from './alert-tables.ts'

/** A file written before the fire-aware rules lacks the scope, evidence, tags and grouping columns. */
export function addAlertColumns(db: Database.Database): void {
  const have = new Set((db.pragma('table_info(alerts)') as { name: string }[]).map((c) => c.name))
  for (const c of ALERT_EXTENSION_COLUMNS) {
    if (!have.has(c.name)) db.exec(`ALTER TABLE alerts ADD COLUMN ${c.name} ${c.type}`)
  }
}

/**
 * SQLite cannot change a CHECK constraint in place: when HISTORY_ACTIONS gained an action (e.g.
 * `notified`), a file written by an older gateway still refuses it. The history table is then
 * rebuilt once, in one transaction, keeping every row and its seq.
 */
export function migrateAlertTables(db: Database.Database): void {
  const row = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'alert_history'")
    .get() as { sql: string } | undefined
  if (!row || HISTORY_ACTIONS.every((action) => row.sql.includes(`'${action}'`))) return
  db.transaction(() => {
    db.exec(historyTableSql('alert_history_next'))
    db.exec(
      'INSERT INTO alert_history_next SELECT seq, alert_id, at, action, actor, note, value FROM alert_history',
    )
    db.exec('DROP TABLE alert_history')
    db.exec('ALTER TABLE alert_history_next RENAME TO alert_history')
    db.exec('CREATE INDEX IF NOT EXISTS alert_history_by_alert ON alert_history (alert_id, seq)')
  }).immediate()
}
