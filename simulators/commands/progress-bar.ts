export interface ProgressState {
  /** 0..1, or null when the end is unknown (a recording stopped only by Ctrl-C). */
  fraction: number | null
  text: string
}

export interface ProgressBar {
  /** Prints a line without tearing the bar. */
  log(line: string): void
  /** Clears the bar; safe to call more than once. */
  stop(): void
}

const WIDTH = 30
const SPINNER = '|/-\\'

/**
 * A one-line bar on stderr, redrawn every `everyMs` from `read()`. Only on a terminal: piped or
 * captured stderr (CI logs, tests) gets no control characters, only the lines passed to `log`.
 */
export function startProgress(
  stream: NodeJS.WriteStream,
  read: () => ProgressState,
  everyMs = 200,
): ProgressBar {
  if (!stream.isTTY) {
    return { log: (line) => void stream.write(`${line}\n`), stop: () => {} }
  }
  let frame = 0
  const draw = () => {
    const { fraction, text } = read()
    const bar =
      fraction === null
        ? `[${SPINNER[frame++ % SPINNER.length]}]`
        : `[${'#'.repeat(Math.round(clamp(fraction) * WIDTH)).padEnd(WIDTH, '-')}] ${Math.floor(
            clamp(fraction) * 100,
          )
            .toString()
            .padStart(3)}%`
    stream.write(`\r\x1b[K${bar} ${text}`)
  }
  const timer = setInterval(draw, everyMs)
  timer.unref()
  draw()
  let stopped = false
  return {
    log(line) {
      stream.write(`\r\x1b[K${line}\n`)
      if (!stopped) draw()
    },
    stop() {
      if (stopped) return
      stopped = true
      clearInterval(timer)
      stream.write('\r\x1b[K')
    },
  }
}

function clamp(fraction: number): number {
  return Math.min(1, Math.max(0, fraction))
}
