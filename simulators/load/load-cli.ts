/**
 * Load generator: N device connections publishing telemetry at an aggregate rate, optionally
 * with fire_alarm events whose alerts are timed. Runs as its own process so that its CPU is not
 * booked to the broker being measured.
 *
 *   npx tsx simulators/load/load-cli.ts --url mqtt://127.0.0.1:1883 --site site.yaml \
 *     --devices 800 --rate 10000 --duration 20 --qos 1 [--alert-rate 20 --token bench:token]
 *
 * stderr carries progress, including `{"phase":"publishing"}` and `{"phase":"drained"}` lines that
 * the bench uses to bracket its CPU samples; stdout carries one JSON summary line at the end.
 */
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { type LoadOptions, LoadRun } from './load-run.ts'
import { devicesBesideLoad, loadDevices, planSlots } from './site-devices.ts'

const USAGE = `usage: load-cli.ts --url mqtt://127.0.0.1:PORT --site SITE.yaml --devices N --rate R --duration S
  [--qos 0|1] [--alert-rate A] [--alert-devices K] [--token name:token] [--max-inflight M] [--tick-ms T]
  [--client-suffix S] [--beside-devices N]
  [--drain S] [--connect-concurrency C] [--connect-timeout S]`

function fail(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(64)
}

function positive(name: string, text: string | undefined, fallback?: number): number {
  const value = text === undefined ? fallback : Number(text)
  if (value === undefined || !Number.isFinite(value) || value < 0) fail(`--${name} must be a number >= 0`)
  return value
}

function parseOptions(argv: string[]): {
  load: LoadOptions
  site: string
  devices: number
  alarms: number
  clientSuffix: string
  besideDevices: number
} {
  const { values } = parseArgs({
    args: argv,
    options: Object.fromEntries(
      [
        'url',
        'site',
        'devices',
        'rate',
        'duration',
        'qos',
        'alert-rate',
        'alert-devices',
        'token',
        'max-inflight',
        'tick-ms',
        'drain',
        'connect-concurrency',
        'connect-timeout',
        'client-suffix',
        'beside-devices',
      ].map((name) => [name, { type: 'string' as const }]),
    ),
  })
  const url = new URL(values.url ?? fail('--url is required'))
  if (url.protocol !== 'mqtt:') fail('--url must be mqtt://host:port')
  const qos = positive('qos', values.qos, 1)
  if (qos !== 0 && qos !== 1) fail('--qos must be 0 or 1')
  let token: LoadOptions['token'] = null
  if (values.token) {
    const colon = values.token.indexOf(':')
    if (colon <= 0) fail('--token must be name:token')
    token = { name: values.token.slice(0, colon), token: values.token.slice(colon + 1) }
  }
  const load: LoadOptions = {
    url: url.href,
    host: url.hostname,
    port: Number(url.port || 1883),
    rate: positive('rate', values.rate ?? fail('--rate is required')),
    durationSec: positive('duration', values.duration ?? fail('--duration is required')),
    qos,
    alertRate: positive('alert-rate', values['alert-rate'], 0),
    token,
    maxInflight: Math.max(1, positive('max-inflight', values['max-inflight'], 16)),
    tickMs: Math.max(1, positive('tick-ms', values['tick-ms'], 5)),
    drainSec: positive('drain', values.drain, 10),
    connectConcurrency: Math.max(1, positive('connect-concurrency', values['connect-concurrency'], 50)),
    connectTimeoutSec: positive('connect-timeout', values['connect-timeout'], 60),
  }
  return {
    load,
    site: values.site ?? fail('--site is required'),
    devices: Math.max(1, positive('devices', values.devices ?? fail('--devices is required'))),
    alarms: positive('alert-devices', values['alert-devices'], 10),
    clientSuffix: values['client-suffix'] ?? '',
    // Runs beside another generator of N devices on the same site and uses none of its devices.
    besideDevices: positive('beside-devices', values['beside-devices'], 0),
  }
}

async function main(): Promise<void> {
  const { load, site, devices, alarms, clientSuffix, besideDevices } = parseOptions(process.argv.slice(2))
  const clock = { wall: () => Date.now(), monotonic: () => performance.now() }
  const siteDevices = loadDevices(site)
  const plan = planSlots(
    besideDevices > 0 ? devicesBesideLoad(siteDevices, besideDevices) : siteDevices,
    devices,
    load.alertRate > 0 ? alarms : 0,
    clock.wall(),
    clientSuffix,
  )
  if (plan.cycled) process.stderr.write(`load: the site has fewer devices than ${devices}; reusing them\n`)
  const run = new LoadRun(load, plan, clock, (phase) =>
    process.stderr.write(`${JSON.stringify({ phase })}\n`),
  )
  // Hard bound: connect phase + duration + drain + a margin, even if the broker hangs.
  const limitMs = (load.connectTimeoutSec + load.durationSec + load.drainSec + 15) * 1000
  const guard = setTimeout(() => {
    process.stdout.write(`${JSON.stringify({ ...run.summary(), aborted: 'hard time limit' })}\n`)
    process.exit(2)
  }, limitMs)
  const summary = await run.run()
  clearTimeout(guard)
  process.stdout.write(`${JSON.stringify(summary)}\n`)
  if (summary.firstFailures.length > 0) {
    process.stderr.write(
      `load: ${summary.connectFailed} connections failed, e.g.\n  ${summary.firstFailures.join('\n  ')}\n`,
    )
  }
  process.exitCode = summary.connected === 0 ? 1 : 0
}

main().catch((err: unknown) => {
  process.stderr.write(`load: ${(err as Error).message}\n`)
  process.exit(1)
})
