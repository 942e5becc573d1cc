import { parseArgs } from 'node:util'
import { parseDuration } from '../scenario/duration.ts'
import { loadScenario } from '../scenario/load-scenario.ts'
import { type CommandIo, EXIT, failure, processIo } from './command-io.ts'
import { runScenarioLive } from './live-runner.ts'
import { ProgressBar } from './progress-bar.ts'
import { formatReport } from './report.ts'

export const LIVE_USAGE = `usage: firewatch-sim live <scenario.yaml> --mqtt URL --http URL --token TOKEN
         [--uitd HOST:PORT] [--speed N] [--max-skew DURATION] [--site SITE.yaml] [--alerts]

Plays a scenario against a running gateway: one MQTT connection per simulated device (its id and
secret from the scenario's site file, a retained "offline" Last Will), expectations checked through
the HTTP API with TOKEN (brigade or admin, to see every building). A connection the gateway drops
(a restart) is made again and the run goes on; the report says when and for how long.

  --uitd HOST:PORT   the gateway's GB/T 26875.3 port (UITD_ENABLED=on), for fire panel steps: one
                     simulated UITD per UITD of the site, at its address
  --speed N          scenario seconds per real second (default 1), e.g. 10 or 60. Device timestamps
                     follow the scenario timeline, so hold times hold; the gateway's own timers
                     (offline by silence or Last Will grace) are not sped up.
  --max-skew D       the gateway's INGEST_MAX_SKEW_MS as a duration (default 5m). Device timestamps
                     drift from the gateway clock by up to half of (1 - 1/N) of the scenario, which
                     must stay within D: scenarios up to 2 x D long (10m) run at any --speed; a
                     longer one needs a lower --speed, or a gateway started with a larger
                     INGEST_MAX_SKEW_MS and the same --max-skew (the error says which values fit)
  --site SITE.yaml   play on this site file instead of the scenario's own (same device ids), e.g.
                     gateway/demo-site.zh-CN.yaml
  --alerts           also list every alert of the run
  --help             this text

exit status: 0 all expectations met, 1 some missed, 64 bad arguments, 65 invalid scenario file,
69 gateway unreachable or API error`

/** `firewatch-sim live`: returns the exit status. */
export async function liveCommand(argv: string[], io: CommandIo = processIo): Promise<number> {
  let options: ReturnType<typeof check>
  try {
    options = check(argv)
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${LIVE_USAGE}\n`)
    return EXIT.usage
  }
  if (options === 'help') {
    io.stdout.write(`${LIVE_USAGE}\n`)
    return EXIT.ok
  }
  try {
    const scenario = loadScenario(options.file, { site: options.site })
    const bar = new ProgressBar(io.stderr)
    bar.start(`${scenario.name} (live x${options.speed})`)
    const result = await runScenarioLive(scenario, { ...options, onProgress: (f) => bar.update(f) })
    bar.done()
    io.stdout.write(`${formatReport(result, { alerts: options.alerts })}\n`)
    return result.missed.length === 0 ? EXIT.ok : EXIT.missed
  } catch (err) {
    return failure(err, io)
  }
}

function check(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      mqtt: { type: 'string' },
      http: { type: 'string' },
      token: { type: 'string' },
      speed: { type: 'string' },
      'max-skew': { type: 'string' },
      uitd: { type: 'string' },
      site: { type: 'string' },
      alerts: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  })
  if (values.help) return 'help' as const
  if (positionals.length !== 1) throw new Error('give exactly one scenario file')
  for (const name of ['mqtt', 'http', 'token'] as const) {
    if (!values[name]) throw new Error(`--${name} is required`)
  }
  const speed = values.speed === undefined ? 1 : Number(values.speed)
  if (!(speed > 0) || !Number.isFinite(speed))
    throw new Error(`--speed must be a number > 0 such as 10, not ${JSON.stringify(values.speed)}`)
  const maxSkewMs = values['max-skew'] === undefined ? 300_000 : parseDuration(values['max-skew'])
  if (maxSkewMs === null || maxSkewMs <= 0)
    throw new Error(`--max-skew must be a duration such as 5m, not ${JSON.stringify(values['max-skew'])}`)
  if (values.site === '') throw new Error('--site must name a site file')
  const uitd = values.uitd === undefined ? undefined : hostPort(values.uitd)
  return {
    uitd,
    file: positionals[0]!,
    mqttUrl: values.mqtt!,
    httpUrl: values.http!.replace(/\/+$/, ''),
    token: values.token!,
    speed,
    maxSkewMs,
    site: values.site,
    alerts: values.alerts === true,
  }
}

function hostPort(text: string): { host: string; port: number } {
  const cut = text.lastIndexOf(':')
  const port = Number(text.slice(cut + 1))
  if (cut <= 0 || !Number.isInteger(port) || port < 1 || port > 65_535)
    throw new Error(`--uitd must be HOST:PORT, not ${text}`)
  return { host: text.slice(0, cut).replace(/^\[(.*)\]$/, '$1'), port }
}
