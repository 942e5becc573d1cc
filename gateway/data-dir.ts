import { statSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Logger } from 'pino'
import { ensurePrivateDir } from '../ingest/private-files.ts'

/**
 * DATA_DIR is created 0700. One that already exists is left as it is (it may be a directory the
 * operator shares with other files, where a chmod would break them), but one that other users can
 * enter is named in a warning: the files the gateway writes in it are 0600 in any case.
 */
export function prepareDataDir(dir: string, log: Logger): void {
  ensurePrivateDir(dir)
  const mode = statSync(dir).mode & 0o777
  if ((mode & 0o077) === 0) return
  log.warn(
    { dataDir: resolve(dir), mode: `0${mode.toString(8)}` },
    'DATA_DIR is open to other users of this machine: chmod 700 it (its files are made 0600)',
  )
}
