import { createHash } from 'node:crypto'
import { closeSync, fsyncSync, openSync, readFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { ensureOwnPrivateDir, PRIVATE_FILE_MODE } from '../ingest/private-files.ts'

export const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp'] as const
export type PhotoType = (typeof PHOTO_TYPES)[number]

const EXTENSION: Record<PhotoType, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' }

/**
 * The type of an image by its first bytes, whatever its name or header says: a file that claims
 * to be a photo but is a script, an SVG (which can carry one) or an executable is none of these.
 */
export function sniffPhoto(bytes: Uint8Array): PhotoType | null {
  const starts = (...sig: number[]) => sig.every((b, i) => bytes[i] === b)
  if (bytes.length >= 3 && starts(0xff, 0xd8, 0xff)) return 'image/jpeg'
  if (bytes.length >= 8 && starts(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return 'image/png'
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString('latin1')
  if (bytes.length >= 12 && ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return 'image/webp'
  return null
}

/**
 * Evidence photos under DATA_DIR/evidence/<hazard>/ (directories 0700, files 0600), named by their
 * SHA-256. A file is written and synced before the row naming it commits, so after kill -9 no row
 * names a missing file (a file without a row is only unused space).
 */
export class EvidenceFiles {
  constructor(private readonly root: string) {}

  write(hazardId: number, bytes: Uint8Array, type: PhotoType): { file: string; sha256: string } {
    const sha256 = createHash('sha256').update(bytes).digest('hex')
    const dir = join(this.root, String(hazardId))
    ensureOwnPrivateDir(this.root)
    ensureOwnPrivateDir(dir)
    const file = `${hazardId}/${sha256.slice(0, 32)}.${EXTENSION[type]}`
    const fd = openSync(join(this.root, file), 'w', PRIVATE_FILE_MODE)
    try {
      writeSync(fd, bytes)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    return { file, sha256 }
  }

  read(file: string): Buffer {
    // Names come from the register's own rows (digits, "/", hex, extension), never from a request.
    return readFileSync(join(this.root, file))
  }
}
