/**
 * Fire panel to alert, through the whole gateway: a simulated UITD sends a call point's fire
 * (GB/T 26875.3 part status) over TCP; the time until the gateway publishes the opened alert on
 * fw/{b}/alerts (MQTT, as a brigade subscriber sees it) is the latency. GB 26875.1 asks the UITD
 * link to bring an alarm to the monitoring centre within 10 s; this measures the centre's share.
 *
 *   npx tsx tests/bench/uitd-alert-latency.ts
 *
 * The gateway runs as its own process (`node --import tsx gateway/main.ts`, LOG_LEVEL=warn) on a
 * generated site: one tower, BENCH_UITD_FRAMES (1000) call points on one UITD. Each frame is the
 * fire of a different call point, sent at BENCH_UITD_RATE (20) per second, so that each opens an
 * alert of its own (with its notification jobs and live-stream event, as a real fire does).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import { join, resolve } from 'node:path'
import { connectAsync } from 'mqtt'
import { encodeFlags, PART_STATUS_BITS, PartType } from '../../ingest/gbt26875/index.ts'
import { spread } from '../../simulators/load/percentiles.ts'
import { PANEL, partAddress } from '../../simulators/uitd/uitd-reports.ts'
import { UitdSimulator } from '../../simulators/uitd/uitd-simulator.ts'
import { ChildGroup, freePort } from './child-processes.ts'

const FRAMES = Number(process.env.BENCH_UITD_FRAMES ?? 1_000)
const RATE = Number(process.env.BENCH_UITD_RATE ?? 20)
const BOUND_MS = 10_000
const ROOT = resolve(import.meta.dirname, '../..')

function siteYaml(frames: number): string {
  const parts = Array.from({ length: frames }, (_, i) => {
    const floor = 1 + (i % 40)
    const point = Math.floor(i / 40) + 1
    return `  - { id: pc-${i}, building: tower, floor: ${floor}, zone: ${floor}-east, kind: panel_component, component: manual_call_point, label: "Call point ${i}", panel: { uitd: uitd-1, systemType: 1, systemAddress: 1, partType: 23, partAddress: "${floor}/${point}" } }`
  })
  return [
    'site: { name: UITD Bench, timezone: Asia/Shanghai }',
    'buildings:',
    '  - { id: tower, name: Tower, floors: 40 }',
    'devices:',
    ...parts,
    'uitds:',
    '  - { id: uitd-1, building: tower, address: 889, allowFrom: [127.0.0.1] }',
    'apiTokens:',
    '  - { name: brigade, token: brigade-token, role: brigade }',
  ].join('\n')
}

async function run(): Promise<number> {
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-uitd-bench-'))
  const group = new ChildGroup(dir)
  try {
    writeFileSync(join(dir, 'site.yaml'), siteYaml(FRAMES))
    const [mqttPort, httpPort, uitdPort] = [await freePort(), await freePort(), await freePort()]
    const gateway = group.spawn(
      'gateway',
      process.execPath,
      ['--import', 'tsx', join(ROOT, 'gateway/main.ts')],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          FIREWATCH_SITE: join(dir, 'site.yaml'),
          DATA_DIR: join(dir, 'data'),
          BIND_HOST: '127.0.0.1',
          MQTT_PORT: String(mqttPort),
          HTTP_PORT: String(httpPort),
          UITD_ENABLED: 'on',
          UITD_HOST: '127.0.0.1',
          UITD_PORT: String(uitdPort),
          LOG_LEVEL: 'info',
        },
      },
    )
    await gateway.waitForLine(/gateway started/, 30_000)
    const latencies = await measure(mqttPort, uitdPort)
    report(latencies)
    return latencies.length === FRAMES && (spread(latencies).p99 ?? BOUND_MS) < BOUND_MS ? 0 : 1
  } finally {
    await group.stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function measure(mqttPort: number, uitdPort: number): Promise<number[]> {
  const sentAt = new Map<string, number>()
  const latencies: number[] = []
  const mqtt = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    username: 'brigade',
    password: 'brigade-token',
    clientId: 'brigade:uitd-bench',
    protocolVersion: 4,
    reconnectPeriod: 0,
  })
  let done: () => void = () => {}
  const all = new Promise<void>((r) => {
    done = r
  })
  mqtt.on('message', (_topic, payload) => {
    const arrived = performance.now()
    const alert = JSON.parse(payload.toString()) as { device: string; rule: string; transition: string }
    const t0 = sentAt.get(alert.device)
    if (alert.rule !== 'panel.fire' || alert.transition !== 'opened' || t0 === undefined) return
    latencies.push(arrived - t0)
    if (latencies.length === FRAMES) done()
  })
  await mqtt.subscribeAsync('fw/+/alerts', { qos: 1 })
  const sim = await UitdSimulator.connect({ host: '127.0.0.1', port: uitdPort, address: 889 })
  const status = encodeFlags(PART_STATUS_BITS, ['normal', 'fire'])
  const started = performance.now()
  for (let i = 0; i < FRAMES; i++) {
    const wait = started + (i * 1000) / RATE - performance.now()
    if (wait > 0) await new Promise((r) => setTimeout(r, wait))
    const part = {
      ...PANEL,
      partType: PartType.manualCallPoint,
      partAddress: partAddress(1 + (i % 40), Math.floor(i / 40) + 1),
    }
    const unit = {
      kind: 'partStatus' as const,
      objects: [{ ...part, status, description: `CP ${i}`, time: sim.now() }],
    }
    sentAt.set(`pc-${i}`, performance.now())
    void sim.send(unit)
  }
  const timeout = new Promise<void>((r) => setTimeout(r, 30_000).unref())
  await Promise.race([all, timeout])
  await sim.close()
  await mqtt.endAsync()
  return latencies
}

function report(latencies: number[]): void {
  const { p50, p99, max } = spread(latencies)
  const cpu = os.cpus()
  const lines = [
    `UITD fire frame -> alert on fw/+/alerts, through the gateway: ${latencies.length} of ${FRAMES} frames at ${RATE}/s`,
    `  p50 ${p50} ms, p99 ${p99} ms, max ${max} ms (GB 26875.1 bound: ${BOUND_MS / 1000} s)`,
    `  machine: ${cpu.length} x ${cpu[0]?.model ?? '?'}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

process.exitCode = await run()
