import { createWriteStream, readFileSync, type WriteStream } from 'node:fs'
import { z } from 'zod'
import { type SimClock, systemClock } from '../record/wall-clock.ts'

/**
 * A GB/T 26875.3 conversation as JSON lines, one frame a line: when (epoch ms), which way
 * ('tx' = sent by the simulated UITD, 'rx' = received from the centre), the bytes in hex. Bytes
 * received that were no frame are a line with `bad` (the decoder's reason) and no bytes.
 */
export const RecordedFrame = z.object({
  t: z.number(),
  dir: z.enum(['tx', 'rx']),
  hex: z.string().regex(/^([0-9a-f]{2})*$/),
  bad: z.string().optional(),
})
export type RecordedFrame = z.infer<typeof RecordedFrame>

export class FrameRecorder {
  private readonly out: WriteStream
  frames = 0

  constructor(
    readonly file: string,
    private readonly clock: SimClock = systemClock,
  ) {
    this.out = createWriteStream(file, { flags: 'w' })
  }

  record(dir: 'tx' | 'rx', bytes: Uint8Array, bad?: string): void {
    const line: RecordedFrame = { t: this.clock.wall(), dir, hex: Buffer.from(bytes).toString('hex') }
    if (bad) line.bad = bad
    this.out.write(`${JSON.stringify(line)}\n`)
    this.frames++
  }

  /** Flushes and closes the file. */
  close(): Promise<void> {
    return new Promise((resolve, reject) =>
      this.out.end((err?: Error | null) => (err ? reject(err) : resolve())),
    )
  }
}

/** The frames of a recording; a line that is not a recorded frame is an error naming the line. */
export function readFrameRecording(file: string): RecordedFrame[] {
  const lines = readFileSync(file, 'utf8').split('\n')
  const frames: RecordedFrame[] = []
  lines.forEach((line, i) => {
    if (line.trim() === '') return
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch {
      throw new Error(`${file}:${i + 1}: not JSON`)
    }
    const parsed = RecordedFrame.safeParse(value)
    if (!parsed.success)
      throw new Error(`${file}:${i + 1}: not a recorded frame: ${parsed.error.issues[0]?.message}`)
    frames.push(parsed.data)
  })
  return frames
}
