import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs'

/**
 * DATA_DIR holds alerts, readings, pending notifications and keys: the gateway's alone. Files are
 * made 0600 and directories 0700 whatever the umask, so other users of the machine read none of
 * it (SECURITY.md).
 */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** Creates the directory (and any missing parent) 0700; an existing one is left as it is. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE })
}

/**
 * A directory only the gateway uses (a spool under DATA_DIR): created 0700, and an older one made
 * 0700 again. Never for DATA_DIR itself, which an operator may have chosen among others' files.
 */
export function ensureOwnPrivateDir(dir: string): void {
  ensurePrivateDir(dir)
  makePrivate(dir, PRIVATE_DIR_MODE)
}

/**
 * Before SQLite opens a database: the file is created empty with 0600 (SQLite takes an empty file
 * for a new database), and an older one, with its -wal, -shm or -journal file, is made 0600 again.
 * SQLite creates its -wal and -shm files with the permissions of the database file, so those are
 * 0600 from then on too.
 */
export function preparePrivateDatabase(file: string): void {
  closeSync(openSync(file, 'a', PRIVATE_FILE_MODE))
  for (const path of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) {
    if (existsSync(path)) makePrivate(path, PRIVATE_FILE_MODE)
  }
}

/**
 * Best effort: a file the gateway can write but does not own cannot be chmod-ed, and refusing to
 * start over that would stop the alarms; the start-up check of DATA_DIR warns about exposure.
 */
function makePrivate(path: string, mode: number): void {
  try {
    chmodSync(path, mode)
  } catch {
    // Not the owner: left as it is (see above).
  }
}
