import { loadDevices } from '../load/site-devices.ts'
import { readRecording } from '../record/recording-reader.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import { type ReplaySummary, replayLive } from '../replay/replay-live.ts'
import type { DeviceLogin } from '../replay/replay-publishers.ts'
import {
  type CommandHelp,
  EXIT,
  helpText,
  mqttUrl,
  numberValue,
  parseCommandArgs,
  UsageError,
} from './command-args.ts'
import { startProgress } from './progress-bar.ts'
import { formatTable, trafficRows } from './summary-table.ts'

const OPTIONS = {
  url: { type: 'string' },
  site: { type: 'string', short: 's' },
  username: { type: 'string', short: 'u' },
  password: { type: 'string', short: 'P' },
  speed: { type: 'string', short: 'x' },
  'keep-ts': { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export const REPLAY_HELP: CommandHelp = {
  usage: 'firewatch-sim replay RECORDING.jsonl --url mqtt://HOST:PORT [--site SITE.yaml] [options]',
  summary:
    'Publishes a recording again, live, with its recorded timing (from the first message on) divided\n' +
    'by --speed. With --site (a Firewatch target) every device topic is published by a connection\n' +
    'logged in as that device, with the secret from the site file; topics devices do not publish\n' +
    '(error, alerts) and devices missing from the site are skipped and counted. Without --site one\n' +
    'plain connection publishes everything (Mosquitto or any broker).',
  options: [
    ['--url URL', 'broker to publish to, mqtt://host:port (required)'],
    ['-s, --site FILE', 'Firewatch site file: publish as the original devices'],
    ['-u, --username NAME', 'login of the plain connection (without --site)'],
    ['-P, --password SECRET', 'password of the plain connection'],
    ['-x, --speed N', 'replay N times as fast, e.g. 10 or 0.5 (default 1)'],
    ['--keep-ts', 'publish telemetry/event "ts" as recorded (default: moved to replay time)'],
    ['--json', 'print the summary as one JSON line instead of a table'],
    ['-h, --help', 'show this help'],
  ],
  notes:
    'By default the "ts" of telemetry and event payloads moves with the replay: ts + (replay time -\n' +
    'recorded receipt time), so that a gateway (max clock skew 5 min) accepts it.\n' +
    'Exit status: 0 when every message not skipped was published, 1 on any failure, 64 on bad usage,\n' +
    '130 when interrupted (Ctrl-C).',
}

export async function replayCommand(argv: string[], clock: SimClock = systemClock): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS)
  if (values.help) {
    process.stdout.write(helpText(REPLAY_HELP))
    return EXIT.ok
  }
  if (positionals.length !== 1) throw new UsageError('give exactly one recording file')
  if (values.site && (values.username || values.password)) {
    throw new UsageError('--site logs in as each device: leave out --username and --password')
  }
  const url = mqttUrl(values.url)
  const speed = numberValue('speed', values.speed, { above: 0 }) ?? 1
  const recording = await readRecording(positionals[0]!)
  const devices = values.site ? siteLogins(values.site) : null
  const summary = await withProgress(recording.messages.length, (onProgress, signal) =>
    replayLive(recording, {
      url,
      devices,
      username: values.username,
      password: values.password,
      speed,
      keepTimestamps: values['keep-ts'],
      clock,
      signal,
      onProgress,
    }),
  )
  process.stdout.write(values.json ? `${JSON.stringify(summary)}\n` : replayTable(summary))
  for (const line of summary.errors) process.stderr.write(`replay: ${line}\n`)
  if (summary.failed > 0) return EXIT.failure
  return summary.interrupted ? EXIT.interrupted : EXIT.ok
}

function siteLogins(file: string): Map<string, DeviceLogin> {
  return new Map(loadDevices(file).map((d) => [d.id, { id: d.id, building: d.building, secret: d.secret }]))
}

/** Runs `work` with a progress bar and Ctrl-C wired to an AbortSignal. */
async function withProgress<T>(
  total: number,
  work: (onProgress: (done: number) => void, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  let done = 0
  const bar = startProgress(process.stderr, () => ({
    fraction: total > 0 ? done / total : 1,
    text: `${done}/${total} messages`,
  }))
  const abort = new AbortController()
  const stop = () => abort.abort()
  process.once('SIGINT', stop)
  process.once('SIGTERM', stop)
  try {
    return await work((n) => {
      done = n
    }, abort.signal)
  } finally {
    bar.stop()
    process.off('SIGINT', stop)
    process.off('SIGTERM', stop)
  }
}

function replayTable(summary: ReplaySummary): string {
  const rows: [string, string | number][] = [
    ...trafficRows({ messages: summary.published, durationMs: summary.durationMs, byKind: summary.byKind }),
    ['in recording', summary.total],
    ['failed', summary.failed],
  ]
  for (const [reason, n] of Object.entries(summary.skipped)) rows.push([`skipped: ${reason}`, n])
  if (summary.interrupted) rows.push(['interrupted', 'yes'])
  return formatTable('replay summary', rows)
}
