import type Database from 'better-sqlite3'
import { FirewatchError } from '../ingest/error-codes.ts'
import { openPrivateSqlite } from '../ingest/store/private-sqlite.ts'
import { REGISTER_TABLES_SQL } from './register-tables.ts'

export interface RegisterDbOptions {
  /** As ALERT_DB_SYNC: 'normal' survives kill -9 (WAL), 'full' also power loss. */
  synchronous?: 'full' | 'normal'
}

/** Opens (and creates, 0600) the register's SQLite file with its tables. */
export function openRegisterDb(file: string, options: RegisterDbOptions = {}): Database.Database {
  let db: Database.Database | undefined
  try {
    db = openPrivateSqlite(file, options.synchronous === 'full' ? 'FULL' : 'NORMAL')
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
