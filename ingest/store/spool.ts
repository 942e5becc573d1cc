import { closeSync, fsync, fsyncSync, ftruncateSync, openSync, rmSync, statSync, writeSync } from 'node:fs'
import type { Logger } from 'pino'
import { ensureOwnPrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts'
import {
  cutTornLine,
  listSegments,
  nextLineStart,
  readCursor,
  readLines,
  type SpoolCursor,
  saveCursor,
  segmentFile,
} from './spool-files.ts'

export type FsyncPolicy = 'always' | 'interval' | 'never'

export interface SpoolOptions {
  dir: string
  /** Bound on the files' total size; records beyond it are refused (the caller counts them). */
  maxBytes: number
  fsync: FsyncPolicy
  log: Logger
  /** A new segment file is started past this size; a segment is deleted once read to its end. */
  segmentBytes?: number
}

/** Records read from the spool; `commit` it once they are stored, or read them again later. */
export interface SpoolChunk {
  records: string[]
  segment: number
  end: number
}

const NEAR_FULL = 0.8

/**
 * An append-only, first-in first-out file queue of text records (one per line) in numbered
 * segment files, with a read cursor in `cursor.json`. Appends are synchronous writes, so a record
 * is in the OS's hands when `append` returns: a killed process (kill -9) loses nothing appended;
 * a power loss loses what the fsync policy had not yet synced. After a crash a few committed
 * batches may be read again, which the stores absorb (same series and time = the same point).
 */
export class Spool {
  private readonly segments: number[] = []
  private readonly sizes = new Map<number, number>()
  private cursor: SpoolCursor = { segment: 1, offset: 0 }
  private writeFd: number | null = null
  private dirty = false
  private nearFull = false
  private diskBytes = 0
  private readonly syncTimer: NodeJS.Timeout | null
  private readonly segmentBytes: number

  private constructor(private readonly opts: SpoolOptions) {
    this.segmentBytes = opts.segmentBytes ?? Math.min(64 * 1024 * 1024, Math.ceil(opts.maxBytes / 4))
    ensureOwnPrivateDir(opts.dir)
    this.recover()
    this.syncTimer = opts.fsync === 'interval' ? setInterval(() => this.syncInBackground(), 1000) : null
    this.syncTimer?.unref()
  }

  static open(opts: SpoolOptions): Spool {
    return new Spool(opts)
  }

  /** Bytes the spool's files take on disk (0 once everything was read and committed). */
  get bytes(): number {
    return this.diskBytes
  }

  get isEmpty(): boolean {
    return this.diskBytes - this.cursor.offset === 0
  }

  /** Appends what fits under the bound, in order; returns how many records were refused. */
  append(records: readonly string[]): number {
    if (records.length === 0) return 0
    const fit = this.fitting(records)
    if (fit < records.length) {
      const refused = records.length - fit
      this.opts.log.error({ refused, bytes: this.diskBytes }, 'readings spool full: readings dropped')
    }
    if (fit === 0) return records.length
    const buffer = Buffer.from(`${(fit === records.length ? records : records.slice(0, fit)).join('\n')}\n`)
    try {
      this.writeAll(buffer)
    } catch (err) {
      this.opts.log.error({ err, records: fit }, 'readings spool write failed: readings dropped')
      return records.length
    }
    this.diskBytes += buffer.length
    this.warnIfNearFull()
    return records.length - fit
  }

  /** Up to `maxLines` records from the read cursor, or null when nothing is pending. */
  read(maxLines: number): SpoolChunk | null {
    for (;;) {
      const { segment, offset } = this.cursor
      const size = this.sizes.get(segment)
      if (size === undefined || offset >= size) {
        if (!this.advanceSegment()) return null
        continue
      }
      const file = segmentFile(this.opts.dir, segment)
      const chunk = readLines(file, offset, size - offset, maxLines)
      if (chunk && chunk.records.length > 0) return { ...chunk, segment }
      // Far longer than any record the gateway writes: corruption. Skip that line, keep the rest.
      const end = chunk?.end ?? nextLineStart(file, offset, size)
      this.opts.log.error({ segment, offset, bytes: end - offset }, 'readings spool: unreadable line skipped')
      this.cursor = { segment, offset: end }
      saveCursor(this.opts.dir, this.cursor)
    }
  }

  /** The chunk's records are stored: they are not read again. */
  commit(chunk: SpoolChunk): void {
    this.cursor = { segment: chunk.segment, offset: chunk.end }
    if (this.isEmpty) this.reset()
    else saveCursor(this.opts.dir, this.cursor)
  }

  sync(): void {
    if (!this.dirty || this.writeFd === null) return
    fsyncSync(this.writeFd)
    this.dirty = false
  }

  /** The interval policy's fsync, off the event loop: the alarm path must not wait for a disk. */
  private syncInBackground(): void {
    if (!this.dirty || this.writeFd === null) return
    this.dirty = false
    fsync(this.writeFd, (err) => {
      if (err) this.opts.log.warn({ err }, 'readings spool fsync failed')
    })
  }

  close(): void {
    if (this.syncTimer) clearInterval(this.syncTimer)
    this.sync()
    if (this.writeFd !== null) closeSync(this.writeFd)
    this.writeFd = null
  }

  private fitting(records: readonly string[]): number {
    let size = this.diskBytes
    let fit = 0
    for (const r of records) {
      size += Buffer.byteLength(r) + 1
      if (size > this.opts.maxBytes) break
      fit++
    }
    return fit
  }

  private writeAll(buffer: Buffer): void {
    const newest = this.segments.at(-1)
    if (this.writeFd === null || newest === undefined || this.sizes.get(newest)! >= this.segmentBytes) {
      this.startSegment()
    }
    const segment = this.segments.at(-1)!
    const size = this.sizes.get(segment)!
    try {
      for (let done = 0; done < buffer.length; ) done += writeSync(this.writeFd!, buffer, done)
    } catch (err) {
      // A half-written record (disk full) would glue itself to the next one: cut it off again.
      try {
        ftruncateSync(this.writeFd!, size)
      } catch {
        // The disk refuses even that; the glued line will be skipped as unreadable when replayed.
      }
      throw err
    }
    this.sizes.set(segment, size + buffer.length)
    this.dirty = true
    if (this.opts.fsync === 'always') this.sync()
  }

  private startSegment(): void {
    this.sync()
    if (this.writeFd !== null) closeSync(this.writeFd)
    const id = (this.segments.at(-1) ?? this.cursor.segment - 1) + 1
    this.writeFd = openSync(segmentFile(this.opts.dir, id), 'a', PRIVATE_FILE_MODE)
    this.segments.push(id)
    this.sizes.set(id, 0)
    if (this.segments.length === 1) this.cursor = { segment: id, offset: 0 }
  }

  /** Moves the cursor past a fully read segment; false when it is at the end of the newest one. */
  private advanceSegment(): boolean {
    const { segment } = this.cursor
    const next = this.segments[this.segments.indexOf(segment) + 1]
    if (next === undefined) return false
    this.dropSegment(segment)
    this.cursor = { segment: next, offset: 0 }
    saveCursor(this.opts.dir, this.cursor)
    return true
  }

  private dropSegment(segment: number): void {
    rmSync(segmentFile(this.opts.dir, segment), { force: true })
    this.diskBytes -= this.sizes.get(segment) ?? 0
    this.sizes.delete(segment)
    const index = this.segments.indexOf(segment)
    if (index >= 0) this.segments.splice(index, 1)
  }

  /** Everything was read: the files go; numbering goes on, so an old id never comes back. */
  private reset(): void {
    if (this.writeFd !== null) closeSync(this.writeFd)
    this.writeFd = null
    this.dirty = false
    const next = (this.segments.at(-1) ?? this.cursor.segment) + 1
    for (const s of [...this.segments]) this.dropSegment(s)
    this.diskBytes = 0
    this.cursor = { segment: next, offset: 0 }
    saveCursor(this.opts.dir, this.cursor)
    this.warnIfNearFull()
  }

  private warnIfNearFull(): void {
    const near = this.diskBytes >= this.opts.maxBytes * NEAR_FULL
    if (near && !this.nearFull) {
      this.opts.log.error(
        { bytes: this.diskBytes, maxBytes: this.opts.maxBytes },
        'readings spool is over 80% of STORAGE_SPOOL_MAX_BYTES: readings will be dropped when it is full',
      )
    }
    this.nearFull = near
  }

  /** Finds the segments and cursor of an earlier run. */
  private recover(): void {
    const { dir } = this.opts
    const saved = readCursor(dir)
    for (const id of listSegments(dir)) {
      // Read to the end before a crash, not yet deleted.
      if (saved && id < saved.segment) rmSync(segmentFile(dir, id), { force: true })
      else this.segments.push(id)
    }
    for (const id of this.segments) this.sizes.set(id, statSync(segmentFile(dir, id)).size)
    const newest = this.segments.at(-1)
    if (newest !== undefined) {
      const { size, cut } = cutTornLine(segmentFile(dir, newest))
      this.sizes.set(newest, size)
      if (cut > 0) this.opts.log.warn({ segment: newest, bytes: cut }, 'readings spool: torn last line cut')
    }
    const first = this.segments[0]
    if (saved && saved.segment === first) this.cursor = { ...saved }
    else this.cursor = { segment: first ?? saved?.segment ?? 1, offset: 0 }
    this.cursor.offset = Math.min(this.cursor.offset, this.sizes.get(this.cursor.segment) ?? 0)
    this.diskBytes = [...this.sizes.values()].reduce((a, b) => a + b, 0)
    if (!this.isEmpty) this.opts.log.info({ bytes: this.diskBytes }, 'readings spool of an earlier run found')
  }
}
