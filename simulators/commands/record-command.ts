import { type Recorder, type RecordSummary, startRecorder } from '../record/recorder.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import {
  type CommandHelp,
  EXIT,
  helpText,
  mqttUrl,
  numberValue,
  parseCommandArgs,
  requireValue,
  UsageError,
} from './command-args.ts'
import { startProgress } from './progress-bar.ts'
import { formatTable, trafficRows } from './summary-table.ts'

const OPTIONS = {
  url: { type: 'string' },
  username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'P' },
  topic: { type: 'string', short: 't', multiple: true },
  out: { type: 'string', short: 'o' },
  duration: { type: 'string', short: 'd' },
  count: { type: 'string', short: 'n' },
  qos: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export const RECORD_HELP: CommandHelp = {
  usage: 'firewatch-sim record --url mqtt://HOST:PORT --out FILE.jsonl [options]',
  summary:
    'Subscribes to a live broker (Firewatch or any other) and writes every message to a JSON-lines\n' +
    'recording. Stops after --duration, after --count messages, or on Ctrl-C (SIGINT/SIGTERM),\n' +
    'and always flushes the file.',
  options: [
    ['--url URL', 'broker to record from, mqtt://host:port (required)'],
    ['-u, --username NAME', 'login; for Firewatch a brigade or admin token name (e.g. brigade)'],
    ['-P, --password SECRET', 'password; for Firewatch the token itself'],
    ['-t, --topic FILTER', 'topic filter, repeatable (default fw/#)'],
    ['-o, --out FILE', 'recording to write, created or truncated (required)'],
    ['-d, --duration SECONDS', 'stop after this long'],
    ['-n, --count N', 'stop after N messages'],
    ['--qos 0|1|2', 'subscription QoS: messages keep their QoS up to this (default 2)'],
    ['--json', 'print the summary as one JSON line instead of a table'],
    ['-h, --help', 'show this help'],
  ],
  notes:
    'Exit status: 0 when the recording ended as asked, 1 when the connection was lost or failed, 64 on bad usage.',
}

export async function recordCommand(argv: string[], clock: SimClock = systemClock): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS)
  if (values.help) {
    process.stdout.write(helpText(RECORD_HELP))
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const qos = numberValue('qos', values.qos, { integer: true, min: 0 }) ?? 2
  if (qos > 2) throw new UsageError('--qos must be 0, 1 or 2')
  const durationSec = numberValue('duration', values.duration, { above: 0 })
  const count = numberValue('count', values.count, { integer: true, min: 1 })
  const url = mqttUrl(values.url)
  const topics = values.topic ?? ['fw/#']
  const recorder = await startRecorder({
    url,
    username: values.username,
    password: values.password,
    topics,
    out: requireValue('out', values.out),
    count,
    durationMs: durationSec === undefined ? undefined : durationSec * 1000,
    qos: qos as 0 | 1 | 2,
    clock,
  })
  const until = [durationSec && `${durationSec} s`, count && `${count} messages`].filter(Boolean).join(' or ')
  process.stderr.write(
    `recording ${topics.join(', ')} from ${url} to ${values.out} until ${until || 'Ctrl-C'}\n`,
  )
  const summary = await untilFinished(recorder, clock, { durationSec, count })
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : recordTable(summary))
  if (summary.stoppedBy === 'connection lost') {
    const why = summary.error ? ` (${summary.error})` : ''
    process.stderr.write(
      `record: the connection to the broker was lost${why}; the file holds what came before\n`,
    )
    return EXIT.failure
  }
  return EXIT.ok
}

async function untilFinished(
  recorder: Recorder,
  clock: SimClock,
  limits: { durationSec?: number; count?: number },
): Promise<RecordSummary> {
  const started = clock.monotonic()
  const bar = startProgress(process.stderr, () => {
    const n = recorder.recorded()
    const fractions = [
      limits.count ? n / limits.count : null,
      limits.durationSec ? (clock.monotonic() - started) / 1000 / limits.durationSec : null,
    ].filter((f): f is number => f !== null)
    return { fraction: fractions.length ? Math.max(...fractions) : null, text: `${n} messages` }
  })
  const stop = () => void recorder.stop().catch(() => {})
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await recorder.finished
  } finally {
    bar.stop()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

function recordTable(summary: RecordSummary): string {
  return formatTable('record summary', [
    ...trafficRows(summary),
    ['file', summary.file],
    ['stopped by', summary.stoppedBy],
  ])
}
