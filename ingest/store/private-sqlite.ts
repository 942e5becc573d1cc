import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import { ensurePrivateDir, preparePrivateDatabase } from '../private-files.ts'

/**
 * A SQLite file of the gateway's own records (alerts, the hazard register), opened the one way they
 * all need: its directory 0700 and the file 0600 (SECURITY.md), write-ahead log, the caller's
 * durability, foreign keys on. Another process (a CLI, a second gateway) may hold the write lock
 * for a moment, hence the busy timeout. The caller creates its tables; on its failure it closes.
 */
export function openPrivateSqlite(file: string, synchronous: 'FULL' | 'NORMAL'): Database.Database {
  if (file !== ':memory:') {
    ensurePrivateDir(dirname(file))
    preparePrivateDatabase(file)
  }
  const db = new Database(file)
  try {
    db.pragma('journal_mode = WAL')
    db.pragma(`synchronous = ${synchronous}`)
    db.pragma('busy_timeout = 5000')
    db.pragma('foreign_keys = ON')
    return db
  } catch (err) {
    db.close()
    throw err
  }
}
