import { realClock } from './live-clock.ts'

export interface ProgressStream {
  isTTY?: boolean
  columns?: number
  write(text: string): unknown
}

/** Runs shorter than this never show a bar: it would only flicker. */
const SHOW_AFTER_MS = 400
const REDRAW_MS = 100

/**
 * A one-line progress bar on stderr for long runs, drawn only on a terminal (never into a log
 * file or a pipe) and only once a run has taken longer than SHOW_AFTER_MS.
 */
export class ProgressBar {
  private started = 0
  private drawnAt = Number.NEGATIVE_INFINITY
  private drawn = false
  private label = ''

  constructor(
    private readonly stream: ProgressStream,
    private readonly monotonic: () => number = realClock.monotonic,
  ) {}

  start(label: string): void {
    this.label = label
    this.started = this.monotonic()
    this.drawnAt = Number.NEGATIVE_INFINITY
  }

  update(fraction: number): void {
    if (!this.stream.isTTY) return
    const now = this.monotonic()
    if (now - this.started < SHOW_AFTER_MS || now - this.drawnAt < REDRAW_MS) return
    this.drawnAt = now
    this.drawn = true
    const width = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - this.label.length - 12))
    const done = Math.round(Math.min(1, Math.max(0, fraction)) * width)
    const pct = `${Math.floor(fraction * 100)}`.padStart(3)
    this.stream.write(`\r${this.label} [${'#'.repeat(done)}${'.'.repeat(width - done)}] ${pct}%`)
  }

  /** Clears the bar's line, so the report starts on a clean line. */
  done(): void {
    if (this.drawn) this.stream.write('\r\u001b[2K')
    this.drawn = false
  }
}
