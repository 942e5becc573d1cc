import type Database from 'better-sqlite3'
import { JOB_KINDS, notifyJobsTableSql, OUTBOX_TABLES_SQL } from './outbox-tables.ts'

/** The columns of notify_jobs before the all-clear kind and the provider status were added. */
const FIRST_COLUMNS =
  'id, job_key, kind, alert_id, class, contact, channel, level, repeat, urgent, state, created_at, ' +
  'due_at, claimed_until, attempts, provider_id, last_error, finished_at, digest_id, delivered_to'

/**
 * A file written by an older gateway has a notify_jobs table whose CHECK refuses the newer job
 * kinds and which lacks the provider-status columns. SQLite cannot change a CHECK in place, so the
 * table is rebuilt once (sqlite.org/lang_altertable.html, "other kinds of table schema changes"),
 * keeping every row and its id, with foreign keys off while the old table is dropped.
 */
export function migrateOutboxTables(db: Database.Database): void {
  if (current(db)) return
  const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
  db.pragma('foreign_keys = OFF')
  try {
    db.transaction(() => {
      if (current(db)) return
      db.exec(notifyJobsTableSql('notify_jobs_next'))
      db.exec(`INSERT INTO notify_jobs_next (${FIRST_COLUMNS}) SELECT ${FIRST_COLUMNS} FROM notify_jobs`)
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
  return !row || (row.sql.includes('provider_status') && JOB_KINDS.every((k) => row.sql.includes(`'${k}'`)))
}
