import { FrameRecorder } from '../uitd/frame-recording.ts'
import { replayUitdRecording } from '../uitd/uitd-replay.ts'
import { REPORT_NAMES, REPORTS, type ReportName } from '../uitd/uitd-reports.ts'
import { UitdSimulator } from '../uitd/uitd-simulator.ts'
import {
  type CommandHelp,
  EXIT,
  helpText,
  numberValue,
  parseCommandArgs,
  requireValue,
  UsageError,
} from './command-args.ts'

const OPTIONS = {
  host: { type: 'string' },
  port: { type: 'string', short: 'p' },
  address: { type: 'string', short: 'a' },
  centre: { type: 'string' },
  report: { type: 'string', short: 'r', multiple: true },
  floor: { type: 'string' },
  stay: { type: 'string' },
  'heartbeat-sec': { type: 'string' },
  'no-patrol-answer': { type: 'boolean' },
  'retry-timeout-ms': { type: 'string' },
  retries: { type: 'string' },
  'time-zone': { type: 'string' },
  record: { type: 'string', short: 'o' },
  replay: { type: 'string' },
  speed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const

export const UITD_HELP: CommandHelp = {
  usage: 'firewatch-sim uitd --port PORT --address N [--report NAME]... [options]',
  summary:
    'A user information transmission device (用户信息传输装置) and its fire panel, speaking\n' +
    'GB/T 26875.3 over TCP to a monitoring centre: sends the reports asked for, retransmits what is\n' +
    'not confirmed, takes the centre’s clock, answers patrol checks. Or replays a recording.',
  options: [
    ['--host HOST', 'the centre (default 127.0.0.1)'],
    ['-p, --port PORT', 'its GB/T 26875.3 port (required)'],
    ['-a, --address N', 'this UITD’s address, a number below 2^48 (required unless --replay)'],
    ['--centre N', 'the centre’s address, the frames’ destination (default 0)'],
    ['-r, --report NAME', `send a report, repeatable, in order: ${REPORT_NAMES.join(', ')}, heartbeat`],
    ['--floor N', 'floor of the call point, water-flow indicator, detector and pressure (default 12)'],
    ['--stay SECONDS', 'stay connected this long after the reports: heartbeats, patrol answers'],
    ['--heartbeat-sec S', 'heartbeat interval while staying (default 25)'],
    ['--no-patrol-answer', 'confirm patrol checks but never press the patrol key'],
    ['--retry-timeout-ms MS', 'wait this long for a confirm before sending again (default 10000)'],
    ['--retries N', 'send again at most N times (default 3)'],
    ['--time-zone TZ', 'zone of the time tags (default Asia/Shanghai)'],
    ['-o, --record FILE', 'write every frame, both ways, to a JSON-lines file'],
    ['--replay FILE', 'send the frames of a recording instead, and count the answers'],
    ['--speed X', 'replay pace: 1 = as recorded (default), 0 = as fast as possible'],
    ['--json', 'print the outcome as one JSON line'],
    ['-h, --help', 'show this help'],
  ],
  notes: 'Exit status: 0 when every report was confirmed, 1 otherwise, 64 on bad usage.',
}

type Values = ReturnType<typeof parseCommandArgs<typeof OPTIONS>>['values']
interface Outcome {
  report: string
  result: string
  serial?: number
  attempts?: number
}

export async function uitdCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, OPTIONS)
  if (values.help) {
    process.stdout.write(helpText(UITD_HELP))
    return EXIT.ok
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`)
  const host = values.host ?? '127.0.0.1'
  const port = numberValue('port', requireValue('port', values.port), { integer: true, min: 1 })!
  if (values.replay) return replay(values, values.replay, host, port)
  const reports = (values.report ?? []).map(reportName)
  const floor = numberValue('floor', values.floor, { integer: true }) ?? 12
  const stay = numberValue('stay', values.stay, { min: 0 }) ?? 0
  const recorder = values.record ? new FrameRecorder(values.record) : undefined
  const sim = await UitdSimulator.connect({ ...simulatorOptions(values, stay), host, port, record: recorder })
  const outcomes: Outcome[] = []
  try {
    for (const name of reports) outcomes.push(await sendReport(sim, name, floor, values.json))
    if (stay > 0) await new Promise((r) => setTimeout(r, stay * 1000))
  } finally {
    await sim.close()
    await recorder?.close()
  }
  const ok = outcomes.every((o) => o.result === 'confirmed' || o.result === 'sent')
  const line = `${outcomes.length} report(s), ${ok ? 'all confirmed' : 'not all confirmed'}`
  print(values.json, { outcomes, recorded: recorder?.frames ?? 0 }, line)
  return ok ? EXIT.ok : EXIT.failure
}

async function replay(values: Values, file: string, host: string, port: number): Promise<number> {
  const speed = numberValue('speed', values.speed, { min: 0 }) ?? 1
  const summary = await replayUitdRecording({ file, host, port, speed })
  const { sent, confirmed, dataFrames, denied } = summary
  const line = `replayed ${sent} frames: ${confirmed} of ${dataFrames} data frames confirmed, ${denied} denied`
  print(values.json, summary, line)
  return confirmed === dataFrames ? EXIT.ok : EXIT.failure
}

function simulatorOptions(values: Values, stay: number) {
  const heartbeatSec = numberValue('heartbeat-sec', values['heartbeat-sec'], { above: 0 }) ?? 25
  return {
    address: numberValue('address', requireValue('address', values.address), { integer: true, min: 0 })!,
    centreAddress: numberValue('centre', values.centre, { integer: true, min: 0 }) ?? 0,
    timeZone: values['time-zone'] ?? 'Asia/Shanghai',
    retransmit: {
      timeoutMs:
        numberValue('retry-timeout-ms', values['retry-timeout-ms'], { integer: true, min: 1 }) ?? 10_000,
      retries: numberValue('retries', values.retries, { integer: true, min: 0 }) ?? 3,
    },
    answerPatrol: !values['no-patrol-answer'],
    heartbeat: stay > 0 ? { everyMs: 1000 * heartbeatSec } : undefined,
  }
}

async function sendReport(
  sim: UitdSimulator,
  name: ReportName | 'heartbeat',
  floor: number,
  json: boolean | undefined,
): Promise<Outcome> {
  const outcome =
    name === 'heartbeat' ? await sim.heartbeat() : await sim.send(REPORTS[name](sim.now(), floor))
  const result = outcome?.result ?? 'sent'
  if (!json) process.stderr.write(`${name}: ${result}\n`)
  return { report: name, result, serial: outcome?.serial, attempts: outcome?.attempts }
}

function reportName(text: string): ReportName | 'heartbeat' {
  if (text === 'heartbeat' || (REPORT_NAMES as string[]).includes(text))
    return text as ReportName | 'heartbeat'
  throw new UsageError(
    `--report must be one of ${[...REPORT_NAMES, 'heartbeat'].join(', ')}, not ${JSON.stringify(text)}`,
  )
}

function print(json: boolean | undefined, value: object, line: string): void {
  process.stdout.write(json ? `${JSON.stringify(value)}\n` : `${line}\n`)
}
