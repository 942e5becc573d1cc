import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { LoadSummary } from '../load/load-summary.ts'
import { emptyKindCounts } from '../record/topic-kind.ts'
import { type SimClock, systemClock } from '../record/wall-clock.ts'
import { type CommandHelp, EXIT, helpText } from './command-args.ts'
import { type ProgressState, startProgress } from './progress-bar.ts'
import { formatTable, trafficRows } from './summary-table.ts'

const LOAD_CLI = fileURLToPath(new URL('../load/load-cli.ts', import.meta.url))

export const LOAD_HELP: CommandHelp = {
  usage:
    'firewatch-sim load --url mqtt://HOST:PORT --site SITE.yaml --devices N --rate R --duration S [options]',
  summary:
    'Runs the load generator (simulators/load/load-cli.ts) in a process of its own: N device\n' +
    'connections, each logged in as a device of the site, publish telemetry at R messages/s in all,\n' +
    'optionally with fire_alarm events whose alerts are timed. Options are passed to it unchanged.',
  options: [
    ['--url URL', 'gateway, mqtt://host:port (required)'],
    ['--site FILE', 'site file with the devices and their secrets (required)'],
    ['--devices N', 'device connections; devices are reused beyond the site size (required)'],
    ['--rate R', 'telemetry messages per second, all devices together (required)'],
    ['--duration S', 'seconds of publishing (required)'],
    ['--qos 0|1', 'telemetry QoS (default 1)'],
    ['--alert-rate A', 'fire_alarm events per second (default 0: none)'],
    ['--alert-devices K', 'smoke detectors that send the alarms (default 10)'],
    ['--token NAME:TOKEN', 'API token that subscribes to fw/+/alerts to time the alerts'],
    ['--max-inflight M', 'unacknowledged QoS 1 messages per connection (default 16)'],
    ['--tick-ms T', 'pacing tick (default 5)'],
    ['--drain S', 'seconds to wait for acknowledgements after publishing (default 10)'],
    ['--connect-concurrency C', 'connections opened at once (default 50)'],
    ['--connect-timeout S', 'seconds for the whole connect phase (default 60)'],
    ['--client-suffix S', 'appended to client ids, so a second generator keeps its own sessions'],
    [
      '--beside-devices N',
      'use none of the devices of another generator of N devices on the same site (one connection per device)',
    ],
    ['--json', "print the load generator's JSON summary line instead of a table"],
    ['-h, --help', 'show this help'],
  ],
  notes: "Exit status: the load generator's (0 when any connection worked), 64 on bad usage.",
}

export async function loadCommand(argv: string[], clock: SimClock = systemClock): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(helpText(LOAD_HELP))
    return EXIT.ok
  }
  const json = argv.includes('--json')
  const passed = argv.filter((a) => a !== '--json')
  const { code, lastLine } = await runLoadCli(passed, durationOf(passed), clock)
  if (code === EXIT.usage) return code
  let summary: LoadSummary
  try {
    summary = JSON.parse(lastLine) as LoadSummary
  } catch {
    process.stderr.write(`load: the load generator ended (${code}) without a summary\n`)
    return code === 0 ? EXIT.failure : code
  }
  process.stdout.write(json ? `${lastLine}\n` : loadTable(summary))
  return code
}

/** The load generator as a child process: its CPU is then not booked to a broker in this process. */
async function runLoadCli(
  args: string[],
  durationSec: number | null,
  clock: SimClock,
): Promise<{ code: number; lastLine: string }> {
  const child = spawn(process.execPath, ['--import', import.meta.resolve('tsx'), LOAD_CLI, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let state: ProgressState = { fraction: null, text: 'connecting' }
  let publishingSince = 0
  const bar = startProgress(process.stderr, () =>
    state.text === 'publishing' && durationSec
      ? { fraction: (clock.monotonic() - publishingSince) / 1000 / durationSec, text: 'publishing' }
      : state,
  )
  createInterface({ input: child.stderr }).on('line', (line) => {
    if (line === '{"phase":"publishing"}') {
      publishingSince = clock.monotonic()
      state = { fraction: null, text: 'publishing' }
    } else if (line === '{"phase":"drained"}') state = { fraction: 1, text: 'drained' }
    else bar.log(line)
  })
  let lastLine = ''
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (line.trim()) lastLine = line
  })
  const forward = (signal: NodeJS.Signals) => child.kill(signal)
  process.on('SIGINT', forward).on('SIGTERM', forward)
  const code = await new Promise<number>((resolve) => child.once('close', (c) => resolve(c ?? EXIT.failure)))
  process.off('SIGINT', forward).off('SIGTERM', forward)
  bar.stop()
  return { code, lastLine }
}

function durationOf(args: string[]): number | null {
  const i = args.findIndex((a) => a === '--duration' || a.startsWith('--duration='))
  if (i < 0) return null
  const text = args[i]!.includes('=') ? args[i]!.split('=')[1] : args[i + 1]
  const value = Number(text)
  return Number.isFinite(value) && value > 0 ? value : null
}

function loadTable(s: LoadSummary): string {
  const byKind = { ...emptyKindCounts(), telemetry: s.sent, event: s.events.sent }
  const durationMs = (s.publishSeconds + s.drainSeconds) * 1000
  return formatTable('load summary', [
    ...trafficRows({ messages: s.sent + s.events.sent, durationMs, byKind }),
    ['connected', `${s.connected}/${s.devices}`],
    ['offered rate', `${s.offeredRate} msg/s`],
    ['acked', s.acked ?? 'n/a (QoS 0)'],
    ['errors', s.errors],
    ['unacked', s.unacked],
    ['skipped (slowed)', s.skipped],
    ['ack ms p50/p99', `${s.ackMs.p50 ?? '-'} / ${s.ackMs.p99 ?? '-'}`],
    ['alerts matched', `${s.alertsMatched}/${s.events.sent}`],
    ['alert ms p50/p99', `${s.latencyMs.p50 ?? '-'} / ${s.latencyMs.p99 ?? '-'}`],
  ])
}
