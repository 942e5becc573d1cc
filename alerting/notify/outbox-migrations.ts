import type Database from 'better-sqlite3'
import {
  JOB_KINDS,
  notifyJobsTableSql,
  OUTBOX_INCIDENT_INDEXES_SQL,
  OUTBOX_TABLES_SQL,
} from './outbox-tables.ts'

/**
 * Brings the notification tables of a file written by an older gateway to the current shape, once,
 * keeping every row: notify_jobs (rebuilt) and the ack-link tables (a column added). Runs after
 * OUTBOX_TABLES_SQL. (The incident timeline is migrated with the alert tables, alert-store.ts.)
 */
export function migrateNotifyTables(db: Database.Database): void {
  migrateOutboxTables(db)
  addColumn(db, 'ack_links_issued', 'incident_id', 'TEXT')
  addColumn(db, 'ack_links_spent', 'incident_id', 'TEXT')
  db.exec(OUTBOX_INCIDENT_INDEXES_SQL)
}

/**
 * An older notify_jobs has a CHECK that refuses the newer job kinds and lacks the newer columns
 * (provider status, incident). SQLite cannot change a CHECK in place, so the table is rebuilt
 * once (sqlite.org/lang_altertable.html, "other kinds of table schema changes"), copying every
 * column the old and the new table share, with every row and its id, foreign keys off while the
 * old table is dropped.
 */
export function migrateOutboxTables(db: Database.Database): void {
  if (current(db)) return
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      if (current(db)) return
      db.exec(notifyJobsTableSql('notify_jobs_next'))
      const next = new Set(columnsOf(db, 'notify_jobs_next'))
      const shared = columnsOf(db, 'notify_jobs')
        .filter((c) => next.has(c))
        .join(', ')
      db.exec(`INSERT INTO notify_jobs_next (${shared}) SELECT ${shared} FROM notify_jobs`)
      db.exec('DROP TABLE notify_jobs')
      db.exec('ALTER TABLE notify_jobs_next RENAME TO notify_jobs')
      // The indexes went with the old table.
      db.exec(OUTBOX_TABLES_SQL)
      const broken = db.pragma('foreign_key_check(notify_jobs)') as unknown[]
      if (broken.length > 0) throw new Error(`notify_jobs migration broke ${broken.length} references`)
    }).immediate()
  } finally {
    db.pragma(`foreign_keys = ${foreignKeys ? 'ON' : 'OFF'}`)
  }
}

function current(db: Database.Database): boolean {
  const row = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'notify_jobs'")
    .get() as { sql: string } | undefined
  if (!row) return true
  const columns = new Set(columnsOf(db, 'notify_jobs'))
  const kinds = JOB_KINDS.every((k) => row.sql.includes(`'${k}'`))
  return kinds && columns.has('provider_status') && columns.has('incident_id')
}

function columnsOf(db: Database.Database, table: string): string[] {
  return (db.pragma(`table_info(${table})`) as { name: string }[]).map((c) => c.name)
}

/** A column without constraints is added in place (ALTER TABLE ADD COLUMN keeps every row). */
function addColumn(db: Database.Database, table: string, column: string, type: string): void {
  if (!columnsOf(db, table).includes(column)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${column} ${type}`)
}
