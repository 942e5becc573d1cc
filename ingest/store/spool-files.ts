import {
  closeSync,
  existsSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from 'node:fs'
import { join } from 'node:path'
import { PRIVATE_FILE_MODE } from '../private-files.ts'

// The file-level work of spool.ts: segment names, the cursor file, reading whole lines.

export interface SpoolCursor {
  segment: number
  offset: number
}

const READ_BYTES = 1024 * 1024
/** Longer than any record the gateway writes by far: a line this long is corruption. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024

export function segmentFile(dir: string, segment: number): string {
  return join(dir, `${String(segment).padStart(12, '0')}.lp`)
}

export function listSegments(dir: string): number[] {
  return readdirSync(dir)
    .filter((f) => /^\d{12}\.lp$/.test(f))
    .map((f) => Number(f.slice(0, 12)))
    .sort((a, b) => a - b)
}

export function readCursor(dir: string): SpoolCursor | null {
  const file = join(dir, 'cursor.json')
  if (!existsSync(file)) return null
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as { segment: unknown; offset: unknown }
    if (Number.isInteger(c.segment) && Number.isInteger(c.offset)) {
      return { segment: c.segment as number, offset: c.offset as number }
    }
  } catch {
    // Unreadable: the caller starts at the oldest segment (some records may be written twice).
  }
  return null
}

/** Not fsynced: a cursor lost in a crash only makes a few batches be written twice. */
export function saveCursor(dir: string, cursor: SpoolCursor): void {
  const tmp = join(dir, 'cursor.json.tmp')
  writeFileSync(tmp, JSON.stringify(cursor), { mode: PRIVATE_FILE_MODE })
  renameSync(tmp, join(dir, 'cursor.json'))
}

/** Cuts a torn last line (a crash in the middle of a write); returns the file's size after it. */
export function cutTornLine(file: string): { size: number; cut: number } {
  const fd = openSync(file, 'r+')
  try {
    const size = fstatSync(fd).size
    const tail = Math.min(size, MAX_LINE_BYTES)
    const buffer = Buffer.allocUnsafe(tail)
    readSync(fd, buffer, 0, tail, size - tail)
    const keep = size - tail + buffer.lastIndexOf(10) + 1
    if (keep !== size) ftruncateSync(fd, keep)
    return { size: keep, cut: size - keep }
  } finally {
    closeSync(fd)
  }
}

/**
 * Up to `maxLines` whole lines from `offset` (at most `left` bytes); `end` is the offset after the
 * last one. Null when no line ends within MAX_LINE_BYTES (or before `left`).
 */
export function readLines(
  file: string,
  offset: number,
  left: number,
  maxLines: number,
): { records: string[]; end: number } | null {
  const fd = openSync(file, 'r')
  try {
    for (let want = Math.min(READ_BYTES, left); ; want = Math.min(want * 4, left)) {
      const buffer = Buffer.allocUnsafe(want)
      const got = readSync(fd, buffer, 0, want, offset)
      let end = -1
      let lines = 0
      for (let i = buffer.indexOf(10); i >= 0 && i < got; i = buffer.indexOf(10, i + 1)) {
        end = i
        if (++lines === maxLines) break
      }
      if (end >= 0) {
        const records = buffer
          .toString('utf8', 0, end)
          .split('\n')
          .filter((r) => r !== '')
        return { records, end: offset + end + 1 }
      }
      if (want >= left || want >= MAX_LINE_BYTES) return null
    }
  } finally {
    closeSync(fd)
  }
}

/** The offset after the next line break from `offset`, or `size` when there is none. */
export function nextLineStart(file: string, offset: number, size: number): number {
  const fd = openSync(file, 'r')
  try {
    const buffer = Buffer.allocUnsafe(READ_BYTES)
    for (let at = offset; at < size; at += READ_BYTES) {
      const got = readSync(fd, buffer, 0, READ_BYTES, at)
      const i = buffer.subarray(0, got).indexOf(10)
      if (i >= 0) return at + i + 1
    }
    return size
  } finally {
    closeSync(fd)
  }
}
