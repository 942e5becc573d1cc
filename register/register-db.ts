import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { FirewatchError } from '../ingest/error-codes.ts'
import { ensurePrivateDir, preparePrivateDatabase } from '../ingest/private-files.ts'
import { REGISTER_TABLES_SQL } from './register-tables.ts'

export interface RegisterDbOptions {
  /** As ALERT_DB_SYNC: 'normal' survives kill -9 (WAL), 'full' also power loss. */
  synchronous?: 'full' | 'normal'
}

/** Opens (and creates, 0600) the register's SQLite file with its tables. */
export function openRegisterDb(file: string, options: RegisterDbOptions = {}): Database.Database {
  let db: Database.Database | undefined
  try {
    if (file !== ':memory:') {
      ensurePrivateDir(dirname(file))
      preparePrivateDatabase(file)
    }
    db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${options.synchronous === 'full' ? 'FULL' : 'NORMAL'}`)
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    db.exec(REGISTER_TABLES_SQL)
    return db
  } catch (err) {
    db?.close()
    throw new FirewatchError('FGW_ERR_REGISTER_STORE', `cannot open the hazard register ${file}`, {
      cause: err,
    })
  }
}

/** One write transaction (BEGIN IMMEDIATE), as the alert store's. */
export function immediate<A extends unknown[], R>(
  db: Database.Database,
  fn: (...args: A) => R,
): (...args: A) => R {
  const tx = db.transaction(fn)
  return (...args: A) => tx.immediate(...args) as R
}
