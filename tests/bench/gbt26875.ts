/**
 * GB/T 26875.3 receiver throughput: frames per second through the UITD listener (decode, hand to
 * a counting sink, confirm), with the listener in its own process and the UITDs here.
 *
 *   npx tsx tests/bench/gbt26875.ts
 *
 * BENCH_SECONDS (10), BENCH_UITD_CONNECTIONS (8) and BENCH_UITD_WINDOW (32 unconfirmed frames per
 * connection) change the run. Each frame is a part status (a call point fire, 78 bytes) with its
 * own serial and part address, so that none is taken for a retransmission.
 */
import { type ChildProcess, fork } from 'node:child_process'
import net from 'node:net'
import os from 'node:os'
import { fileURLToPath } from 'node:url'
import { systemClock } from '../../gateway/clock.ts'
import { createUitdListener } from '../../gateway/uitd/index.ts'
import { Command, checksum, encodeDataUnit, encodeFrame, StreamDecoder } from '../../ingest/gbt26875/index.ts'
import { REPORTS } from '../../simulators/uitd/uitd-reports.ts'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10)
const CONNECTIONS = Number(process.env.BENCH_UITD_CONNECTIONS ?? 8)
const WINDOW = Number(process.env.BENCH_UITD_WINDOW ?? 32)
const WARMUP_MS = 1_000

async function serve(): Promise<void> {
  let delivered = 0
  const listener = await createUitdListener({
    port: 0,
    host: '127.0.0.1',
    clock: systemClock,
    log: { info: () => {}, warn: () => {}, debug: () => {} },
    allow: (address) => ({ id: `uitd-${address}` }),
    sinks: { componentStatus: () => void delivered++ },
    timeSync: false,
    maxConnections: 1_000,
  })
  process.send?.({ port: listener.port })
  process.on('message', async (msg) => {
    if (msg !== 'stop') return
    const cpu = process.cpuUsage()
    await listener.close()
    process.send?.({ delivered, cpuMicros: cpu.user + cpu.system }, () => process.exit(0))
  })
}

/** A template frame whose serial and part address are rewritten for each send. */
function templateFrame(address: number): Buffer {
  const unit = REPORTS['call-point-fire']({ second: 0, minute: 0, hour: 12, day: 1, month: 6, year: 2026 })
  const time = { second: 0, minute: 0, hour: 12, day: 1, month: 6, year: 2026 }
  const header = { serial: 0, version: { major: 1, user: 1 }, time, source: address, destination: 0 }
  return encodeFrame({ ...header, command: Command.sendData, data: encodeDataUnit(unit) })
}

function uitdClient(port: number, address: number, counts: { confirmed: number; counting: boolean }) {
  const frame = templateFrame(address)
  const socket = net.connect(port, '127.0.0.1')
  const decoder = new StreamDecoder()
  let serial = 0
  let inFlight = 0
  let stopped = false
  const sendOne = () => {
    const next = serial++
    frame.writeUInt16LE(next & 0xffff, 2)
    frame.writeUInt32LE(next >>> 0, 27 + 2 + 3) // part address: data starts at 27, after type and count
    frame[frame.length - 3] = checksum(frame, 2, frame.length - 3)
    socket.write(Buffer.from(frame))
    inFlight++
  }
  const fill = () => {
    while (!stopped && inFlight < WINDOW) sendOne()
  }
  socket.on('connect', fill)
  socket.on('data', (chunk) => {
    for (const r of decoder.push(chunk)) {
      if (!r.ok || r.frame.command !== Command.confirm) continue
      inFlight--
      if (counts.counting) counts.confirmed++
    }
    fill()
  })
  socket.on('error', () => {})
  return () => {
    stopped = true
    socket.destroy()
  }
}

async function run(): Promise<void> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--serve'], {
    execArgv: ['--import', 'tsx'],
  })
  const next = () =>
    new Promise<Record<string, number>>((resolve) => child.once('message', (m) => resolve(m as never)))
  const { port } = await next()
  const counts = { confirmed: 0, counting: false }
  const stops = Array.from({ length: CONNECTIONS }, (_, i) => uitdClient(port!, 10_000 + i, counts))
  await new Promise((r) => setTimeout(r, WARMUP_MS))
  counts.counting = true
  const started = performance.now()
  await new Promise((r) => setTimeout(r, SECONDS * 1000))
  counts.counting = false
  const seconds = (performance.now() - started) / 1000
  for (const stop of stops) stop()
  const done = next()
  child.send('stop')
  const { delivered, cpuMicros } = await done
  const cpu = os.cpus()
  const rate = counts.confirmed / seconds
  const lines = [
    `GB/T 26875.3 listener: ${Math.round(rate).toLocaleString('en')} frames/s confirmed (decode + sink + confirm)`,
    `  ${counts.confirmed.toLocaleString('en')} confirms in ${seconds.toFixed(1)} s over ${CONNECTIONS} connections, window ${WINDOW}`,
    `  listener process: ${delivered!.toLocaleString('en')} part states delivered, ${(cpuMicros! / delivered!).toFixed(1)} µs CPU per frame (whole run incl. warm-up)`,
    `  machine: ${cpu.length} × ${cpu[0]?.model ?? '?'}, Node ${process.version}, load ${os.loadavg()[0]!.toFixed(2)}`,
  ]
  process.stdout.write(`${lines.join('\n')}\n`)
}

if (process.argv.includes('--serve')) await serve()
else await run()
