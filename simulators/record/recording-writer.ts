import { once } from 'node:events'
import { createWriteStream, type WriteStream } from 'node:fs'
import {
  encodeHeader,
  encodeMessage,
  type RecordedMessage,
  type RecordingHeader,
} from './recording-format.ts'

/** Appends lines to a recording file; `close` resolves once everything is on disk (or rejects). */
export class RecordingWriter {
  private failure: Error | null = null

  private constructor(private readonly stream: WriteStream) {
    stream.on('error', (err) => {
      this.failure ??= err
    })
  }

  /** Creates (or truncates) `file` and writes the header; rejects when the file cannot be opened. */
  static async open(file: string, header: RecordingHeader): Promise<RecordingWriter> {
    const stream = createWriteStream(file, { flags: 'w' })
    // events.once rejects when 'error' comes first (ENOENT, EACCES).
    await once(stream, 'open')
    const writer = new RecordingWriter(stream)
    stream.write(`${encodeHeader(header)}\n`)
    return writer
  }

  write(message: RecordedMessage): void {
    // The stream buffers when the disk is slower than the broker: a recorder must not drop messages.
    this.stream.write(`${encodeMessage(message)}\n`)
  }

  async close(): Promise<void> {
    if (!this.stream.writableEnded) {
      this.stream.end()
      if (!this.failure) await once(this.stream, 'finish')
    }
    if (this.failure) throw this.failure
  }
}
