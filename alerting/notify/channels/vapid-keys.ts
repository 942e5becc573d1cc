import { chmodSync, linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import webpush from 'web-push'
import { z } from 'zod'
import { FirewatchError } from '../../../ingest/index.ts'
import type { Logger } from '../../deps.ts'

export const VAPID_KEYS_FILE = 'vapid-keys.json'

export interface VapidKeys {
  /** Uncompressed P-256 point, URL-safe base64: the applicationServerKey browsers subscribe with. */
  publicKey: string
  privateKey: string
}

const KeyFile = z.object({
  publicKey: z.string().regex(/^[A-Za-z0-9_-]{87}$/),
  privateKey: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
})

/**
 * The gateway's VAPID key pair, generated on first start and kept in DATA_DIR (mode 0600). Every
 * push subscription is bound to the public key, so a lost or replaced file silently ends all of
 * them: a damaged file stops start-up instead of being regenerated.
 */
export function loadVapidKeys(dataDir: string, log?: Logger): VapidKeys {
  const path = join(dataDir, VAPID_KEYS_FILE)
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 })
    if (!exists(path) && createKeyFile(path)) log?.info({ path }, 'VAPID keys generated')
    const mode = statSync(path).mode & 0o777
    if (mode !== 0o600) {
      chmodSync(path, 0o600)
      log?.warn({ path, mode: mode.toString(8) }, 'VAPID key file was readable by others; set to 0600')
    }
    return KeyFile.parse(JSON.parse(readFileSync(path, 'utf8')))
  } catch (error) {
    throw new FirewatchError('FGW_ERR_CHANNEL_VAPID_KEYS', `${path}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

/** The public key for the web page's pushManager.subscribe({ applicationServerKey }). */
export function vapidPublicKey(dataDir: string): string {
  return loadVapidKeys(dataDir).publicKey
}

function exists(path: string): boolean {
  try {
    statSync(path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false
    throw error
  }
}

/**
 * Writes a fresh pair to a private temporary file, then hard-links it into place: the key file
 * appears complete or not at all, and when two processes start at once the second link fails
 * (EEXIST) and both use the first pair. Returns false when another process won.
 */
function createKeyFile(path: string): boolean {
  const keys = webpush.generateVAPIDKeys()
  const temp = `${path}.${process.pid}.tmp`
  writeFileSync(temp, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600, flag: 'w' })
  try {
    linkSync(temp, path)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  } finally {
    unlinkSync(temp)
  }
}
