// Readable log lines for a person at a terminal (LOG_FORMAT=auto on a tty, or pretty). pino writes
// one JSON line per entry; this destination turns each into
//
//   18:40:04 INFO  [notify] notification sent job=… attempt=0
//       text: …                        (fields holding objects, one per line)
//
// It is a small formatter rather than the pino-pretty package, which is not a dependency here.
// Log collectors and the tests read the JSON lines (the default when stdout is not a terminal).

const LEVELS: Record<number, { name: string; colour: string }> = {
  10: { name: 'TRACE', colour: '\x1b[90m' },
  20: { name: 'DEBUG', colour: '\x1b[36m' },
  30: { name: 'INFO ', colour: '\x1b[32m' },
  40: { name: 'WARN ', colour: '\x1b[33m' },
  50: { name: 'ERROR', colour: '\x1b[31m' },
  60: { name: 'FATAL', colour: '\x1b[41m\x1b[97m' },
}
const RESET = '\x1b[0m'
const DIM = '\x1b[2m'
const BOLD = '\x1b[1m'
/** pino's own fields, shown in the line's head or not at all. */
const HEAD_FIELDS = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'module', 'v'])
const INDENT = '    '

export interface PrettyOptions {
  /** ANSI colours (a terminal that shows them). */
  colours: boolean
}

/** A pino destination that writes each entry to `out` as a readable line (and block). */
export function prettyDestination(
  out: { write(text: string): unknown },
  options: PrettyOptions,
): { write(line: string): void } {
  const clock = new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  })
  return {
    write(line: string) {
      out.write(formatEntry(line, options, (ms) => clock.format(ms)))
    },
  }
}

/** One JSON log line as text; a line that is not JSON is passed through unchanged. */
export function formatEntry(line: string, options: PrettyOptions, timeOf: (ms: number) => string): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line) as Record<string, unknown>
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`
  }
  const paint = (code: string, text: string) => (options.colours ? `${code}${text}${RESET}` : text)
  const level = LEVELS[Number(entry.level)] ?? { name: String(entry.level).padEnd(5), colour: '' }
  const time = typeof entry.time === 'number' ? timeOf(entry.time) : ''
  const module = typeof entry.module === 'string' ? `${paint(DIM, `[${entry.module}]`)} ` : ''
  const message = typeof entry.msg === 'string' ? entry.msg : ''
  const inline: string[] = []
  const block: string[] = []
  // One object reads as the entry's own block; several each need their name, or their lines run together.
  const named = Object.entries(entry).filter(([k, v]) => k !== 'err' && isObject(v)).length > 1
  for (const [key, value] of Object.entries(entry)) {
    if (HEAD_FIELDS.has(key) || value === undefined) continue
    if (key === 'err' && isObject(value)) describeError(value, inline, block)
    else if (isObject(value) && named) block.push(`${INDENT}${key}:`, ...blockLines(value, message, INDENT))
    else if (isObject(value)) block.push(...blockLines(value, message))
    else inline.push(`${paint(DIM, `${key}=`)}${quoted(value)}`)
  }
  const head = [
    paint(DIM, time),
    paint(level.colour, level.name),
    `${module}${paint(BOLD, message)}`,
    ...inline,
  ]
  return `${[head.filter((part) => part !== '').join(' '), ...block].join('\n')}\n`
}

/**
 * An object field, one `key: value` line each, under the entry's line. A value the message
 * already says (the recipient of "SMS to Li Wei +86…") is not repeated; null ones say nothing.
 */
function blockLines(value: Record<string, unknown>, message: string, deeper = ''): string[] {
  return Object.entries(value)
    .filter(
      ([, v]) => v !== null && v !== undefined && !(typeof v === 'string' && v !== '' && message.includes(v)),
    )
    .map(([k, v]) => `${deeper}${INDENT}${k}: ${text(v)}`)
}

/** An error's type and message on the line, its stack underneath. */
function describeError(err: Record<string, unknown>, inline: string[], block: string[]): void {
  inline.push(`err=${quoted(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}`)
  if (typeof err.stack === 'string') {
    for (const line of err.stack.split('\n').slice(1)) block.push(`${INDENT}${line.trim()}`)
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** A value inside a block: strings as they are, anything else as JSON. */
function text(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value)
}

/** A value on the line: quoted when it would otherwise read as several. */
function quoted(value: unknown): string {
  if (typeof value !== 'string') return JSON.stringify(value)
  return value === '' || /[\s"=]/.test(value) ? JSON.stringify(value) : value
}
