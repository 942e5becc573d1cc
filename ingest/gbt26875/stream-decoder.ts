import { DEFAULT_MAX_FRAME_BYTES, HEADER_BYTES, MIN_FRAME_BYTES, START_BYTE } from './constants.ts'
import {
  declaredDataLength,
  decodeFrame,
  type Frame,
  type FrameErrorReason,
  type FrameHeader,
  type FrameOptions,
  frameLength,
} from './frame.ts'

export interface StreamDecoderOptions extends FrameOptions {
  /** Largest whole frame accepted; a header declaring more is refused before anything is buffered. */
  maxFrameBytes?: number
}

/** What the decoder found: a frame (with its bytes) or a bad stretch of the stream and why. */
export type StreamReport =
  | { ok: true; frame: Frame; raw: Buffer }
  | {
      ok: false
      reason: FrameErrorReason
      detail: string
      /** Bytes of the stream this report discarded. */
      bytes: number
      /** Present when the header was read whole: who sent it and its serial number (for a deny). */
      header?: FrameHeader
    }

const START_PAIR = Buffer.from([START_BYTE, START_BYTE])
const EMPTY = Buffer.alloc(0)
/** Bytes up to and including the data length field. */
const LENGTH_KNOWN_AT = HEADER_BYTES - 1

/**
 * Cuts a TCP byte stream into frames. Feed it chunks of any size; it never throws. After anything
 * bad it resynchronises on the next '@@': a frame whose length, end marker or checksum is wrong
 * gives up only its first byte, so that a good frame behind a corrupt length is still found, and a
 * frame still waiting for its declared length is given up as soon as a whole valid frame follows it.
 * A frame with a good checksum but an unknown command is consumed whole (its framing is sound).
 * Nothing larger than maxFrameBytes (plus one chunk) is ever buffered.
 */
export class StreamDecoder {
  private buf: Buffer = EMPTY
  private pos = 0
  private readonly maxFrameBytes: number
  readonly stats = { bytesIn: 0, frames: 0, frameBytes: 0, errors: 0, discardedBytes: 0 }

  constructor(private readonly opts: StreamDecoderOptions = {}) {
    this.maxFrameBytes = Math.max(MIN_FRAME_BYTES, opts.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES)
  }

  /** Bytes waiting for the rest of a frame. */
  get buffered(): number {
    return this.buf.length - this.pos
  }

  push(chunk: Uint8Array): StreamReport[] {
    this.stats.bytesIn += chunk.length
    const incoming = Buffer.isBuffer(chunk)
      ? chunk
      : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.length)
    this.buf = this.buffered === 0 ? incoming : Buffer.concat([this.buf.subarray(this.pos), incoming])
    this.pos = 0
    const out: StreamReport[] = []
    while (this.step(out)) {
      // each step consumes bytes or reports why it waits
    }
    if (this.pos === this.buf.length) {
      this.buf = EMPTY
      this.pos = 0
    }
    return out
  }

  /** The stream ended: whatever is left is a frame cut short. */
  end(): StreamReport[] {
    const left = this.buffered
    if (left === 0) return []
    this.buf = EMPTY
    this.pos = 0
    return [this.error('truncated', `stream ended ${left} bytes into a frame`, left)]
  }

  /** One decision; false when more bytes are needed. */
  private step(out: StreamReport[]): boolean {
    const start = this.buf.indexOf(START_PAIR, this.pos)
    if (start === -1) {
      // A last '@' may be the first half of the next start marker.
      const keep = this.buf[this.buf.length - 1] === START_BYTE ? 1 : 0
      const garbage = this.buf.length - keep - this.pos
      if (garbage > 0) out.push(this.discard('garbage', 'bytes outside any frame', garbage))
      return false
    }
    if (start > this.pos) out.push(this.discard('garbage', 'bytes before a start marker', start - this.pos))
    if (this.buffered < LENGTH_KNOWN_AT) return false
    const total = frameLength(declaredDataLength(this.buf, this.pos))
    if (total > this.maxFrameBytes) {
      out.push(this.discard('oversize', `header declares ${total} bytes, limit ${this.maxFrameBytes}`, 1))
      return true
    }
    if (this.buffered < total) return this.skipToWholeFrame(out)
    out.push(this.frameAt(total))
    return true
  }

  /**
   * While a frame waits for its declared length, a whole valid frame further on means this one was
   * cut short (or its length is a lie): give it up now, so that an alarm behind a truncated frame is
   * not held until enough unrelated bytes arrive to fill the declared length.
   */
  private skipToWholeFrame(out: StreamReport[]): boolean {
    for (
      let at = this.buf.indexOf(START_PAIR, this.pos + 1);
      at !== -1;
      at = this.buf.indexOf(START_PAIR, at + 1)
    ) {
      if (this.buf.length - at < LENGTH_KNOWN_AT) return false
      const total = frameLength(declaredDataLength(this.buf, at))
      if (total > this.maxFrameBytes || at + total > this.buf.length) continue
      if (!decodeFrame(this.buf.subarray(at, at + total), this.opts).ok) continue
      out.push(this.discard('truncated', 'a whole frame follows before this one ended', at - this.pos))
      return true
    }
    return false
  }

  private frameAt(total: number): StreamReport {
    const bytes = this.buf.subarray(this.pos, this.pos + total)
    const result = decodeFrame(bytes, this.opts)
    if (result.ok) {
      const raw = Buffer.from(bytes)
      this.pos += total
      this.stats.frames++
      this.stats.frameBytes += total
      return { ok: true, frame: { ...result.frame, data: raw.subarray(HEADER_BYTES, total - 3) }, raw }
    }
    // Only an unknown command leaves the framing trusted; otherwise the length may be the lie.
    const consumed = result.reason === 'unknown-command' ? total : 1
    const report = this.discard(result.reason, result.detail, consumed)
    return result.header && !report.ok ? { ...report, header: result.header } : report
  }

  private discard(reason: FrameErrorReason, detail: string, bytes: number): StreamReport {
    this.pos += bytes
    return this.error(reason, detail, bytes)
  }

  private error(reason: FrameErrorReason, detail: string, bytes: number): StreamReport {
    this.stats.errors++
    this.stats.discardedBytes += bytes
    return { ok: false, reason, detail, bytes }
  }
}
