/**
 * `npm run fuzz` (part of `npm test`): a bounded, seeded fuzz run against a real gateway process on
 * loopback. At least 100,000 generated inputs of each of three kinds: mixed (device payloads, topic
 * names, subscription filters, HTTP requests, raw malformed bytes on fresh sockets), deep values
 * in every field of device messages, and whole MQTT packets with fuzzed fields on logged-in
 * sessions. The gateway must stay up, answer or drop every input with a reason, and still raise a
 * fire alarm afterwards. Then, in process, at least 100,000 streams through the GB/T 26875.3 decoder
 * (fuzz-gbt26875.ts). Prints what it tried and what it found; exits 1 on any finding. FUZZ_SEED,
 * FUZZ_INPUTS and FUZZ_GBT26875_INPUTS change the run.
 */
import { performance } from 'node:perf_hooks'
import mqtt from 'mqtt'
import { metricValue } from '../support/api-client.ts'
import { spawnTestGateway } from '../support/gateway-launcher.ts'
import { GBT26875_FUZZ_INPUTS, runGbt26875Fuzz } from './fuzz-gbt26875.ts'
import { fuzzHttp } from './fuzz-http.ts'
import { FuzzInputs } from './fuzz-inputs.ts'
import { type FuzzDevice, fuzzFilters, fuzzPayloads, fuzzRawPackets, fuzzTopics } from './fuzz-mqtt.ts'
import { fuzzNestedPayloads } from './fuzz-nested-payloads.ts'
import { fuzzWholePackets } from './fuzz-packets.ts'
import { FuzzReport } from './fuzz-report.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_122)
const INPUTS = Math.max(1_000, Number(process.env.FUZZ_INPUTS ?? 100_000))

const device = (id: string, building: string, secret: string): FuzzDevice => ({ id, building, secret })
const PAYLOAD_DEVICES = [
  device('ta-12-smoke-01', 'tower-a', 's3cret-ta-12'),
  device('ta-12-smoke-02', 'tower-a', 's3cret-ta-12b'),
  device('ta-b1-elec-01', 'tower-a', 's3cret-ta-b1'),
  device('ta-32-tank-01', 'tower-a', 's3cret-ta-32'),
]
const TOPIC_DEVICES = [
  device('ta-20-sprinkler-01', 'tower-a', 's3cret-ta-20'),
  device('tb-03-smoke-01', 'tower-b', 's3cret-tb-03'),
]

async function main(): Promise<number> {
  const started = performance.now()
  // Limits are raised so that inputs reach the parsers and handlers; tests/security tests the limits.
  const gw = await spawnTestGateway({
    LOG_LEVEL: 'info',
    MQTT_PUBLISHES_PER_SEC_PER_CLIENT: '1000000',
    MQTT_PUBLISHES_PER_SEC_PER_ADDRESS: '1000000',
    MQTT_CONNECTS_PER_MIN_PER_ADDRESS: '1000000',
    MQTT_CONNECTS_PER_MIN_PER_CLIENT: '1000000',
    MQTT_EVENTS_PER_MIN_PER_DEVICE: '600000',
    MQTT_FIRE_ALARMS_PER_MIN_PER_DEVICE: '600000',
    MQTT_STATUS_PER_MIN_PER_DEVICE: '600000',
    MQTT_MAX_SUBSCRIPTIONS_PER_CLIENT: '10000',
    HTTP_REQUESTS_PER_MIN_PER_ADDRESS: '10000000',
    LOGIN_FAILURES_BEFORE_BACKOFF: '1000',
    LOGIN_FAILURES_BEFORE_LOCKOUT: '10000',
  })
  const report = new FuzzReport()
  let exited = false
  let stopping = false
  gw.child.once('exit', (code, signal) => {
    exited = true
    if (!stopping) report.finding(`the gateway exited during the run (code ${code}, signal ${signal})`)
  })
  const gen = new FuzzInputs(SEED)
  const port = Number(new URL(gw.mqttUrl).port)
  try {
    await fuzzPayloads(gw.mqttUrl, PAYLOAD_DEVICES, Math.round(INPUTS * 0.5), gen, report)
    await fuzzTopics(gw.mqttUrl, TOPIC_DEVICES, Math.round(INPUTS * 0.3), gen, report)
    await fuzzFilters(port, Math.round(INPUTS * 0.04), gen, report)
    await fuzzHttp(gw.httpUrl, Math.round(INPUTS * 0.11), 65_536, gen, report)
    await fuzzRawPackets(port, Math.round(INPUTS * 0.05), gen, report)
    await fuzzNestedPayloads(gw.mqttUrl, PAYLOAD_DEVICES, INPUTS, gen, report, {
      maxPayloadBytes: 16_384,
      maxDepth: 8,
      rejected: async (reason) =>
        metricValue(
          await (await fetch(`${gw.httpUrl}/metrics`)).text(),
          `firewatch_readings_rejected_total{reason="${reason}"}`,
        ),
    })
    await fuzzWholePackets(port, PAYLOAD_DEVICES, INPUTS, gen, report)
    if (!exited) await checkStillServing(gw.mqttUrl, gw.httpUrl, report)
    if (!exited) report.counters(await gatewayCounters(gw.httpUrl))
  } catch (err) {
    report.finding(`the run failed: ${(err as Error).stack ?? err}`)
  } finally {
    stopping = true
    await gw.stop()
  }
  process.stdout.write(`${report.format(SEED, (performance.now() - started) / 1000)}\n`)
  if (report.inputs < 3 * INPUTS) report.finding(`only ${report.inputs} of ${3 * INPUTS} inputs were tried`)
  return [gbt26875Fuzz(), report.findings.length === 0].every(Boolean) ? 0 : 1
}

/** The GB/T 26875.3 decoder fuzz (in process, no gateway needed, run whatever the gateway fuzz found): true when it found nothing. */
function gbt26875Fuzz(): boolean {
  const gbt = runGbt26875Fuzz(SEED, GBT26875_FUZZ_INPUTS)
  process.stdout.write(`${gbt.text}\n`)
  return gbt.findings.length === 0
}

/** After the storm: health is green, and a fire alarm still becomes an open fire alert. */
async function checkStillServing(mqttUrl: string, httpUrl: string, report: FuzzReport): Promise<void> {
  const health = await fetch(`${httpUrl}/healthz`)
  if (health.status !== 200) report.finding(`/healthz answered ${health.status} after the run`)
  const canary = await mqtt.connectAsync(mqttUrl, {
    username: 'tb-01-pump-01',
    password: 's3cret-tb-01',
    reconnectPeriod: 0,
  })
  await canary.publishAsync(
    'fw/tower-b/tb-01-pump-01/event',
    JSON.stringify({ event: 'fire_alarm', detail: 'fuzz canary' }),
    { qos: 1 },
  )
  await canary.endAsync()
  for (let i = 0; i < 100; i++) {
    const res = await fetch(`${httpUrl}/api/v1/alerts?building=tower-b&class=fire`, {
      headers: { authorization: 'Bearer brigade-token' },
    })
    const { alerts } = (await res.json()) as { alerts: { device: string }[] }
    if (alerts.some((a) => a.device === 'tb-01-pump-01')) return
    await new Promise((r) => setTimeout(r, 50))
  }
  report.finding('a fire alarm after the run raised no fire alert')
}

/**
 * Why the gateway refused what it refused, from its own counters: the answers on the devices' error
 * topics are rate-limited per device and code, the counters see every rejection.
 */
async function gatewayCounters(httpUrl: string): Promise<string[]> {
  const text = await (await fetch(`${httpUrl}/metrics`)).text()
  const wanted =
    /^firewatch_(readings_rejected_total|mqtt_acl_denied_total|limit_hits_total|readings_accepted_total|device_events_total)/
  return text.split('\n').filter((line) => wanted.test(line))
}

process.exitCode = await main()
