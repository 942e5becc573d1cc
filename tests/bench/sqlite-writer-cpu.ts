/**
 * CPU of the SQLite writer thread per reading, through the real store (SqliteReadings: packRows on
 * this thread, the writer thread's inserts and compactions), at the bench site's mix of 800
 * devices and 2.7 readings per message, in batches of 5,000 as the readings sink sends them.
 *
 *   npx tsx tests/bench/sqlite-writer-cpu.ts        (SQLITE_WRITER_READINGS=1000000 to change the count)
 *
 * Prints `sqlite_writer.cpu_us_per_reading` (writer thread, from /proc) and the wall time.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import pino from 'pino'
import { systemClock } from '../../gateway/clock.ts'
import type { Reading } from '../../ingest/reading.ts'
import { SqliteReadings } from '../../ingest/store/sqlite-readings.ts'

const TOTAL = Number(process.env.SQLITE_WRITER_READINGS ?? 600_000)
const BATCH = 5000
const METRICS = [
  ['smoke_dbm', 'temperature_c', 'battery_pct'],
  ['pressure_mpa'],
  ['level_m'],
  ['residual_current_ma', 'temperature_c:l1', 'temperature_c:l2', 'temperature_c:l3'],
]

function readings(count: number, startTs: number): Reading[][] {
  const batches: Reading[][] = []
  let batch: Reading[] = []
  let ts = startTs
  for (let made = 0, device = 0; made < count; device = (device + 1) % 800) {
    ts += 0.1
    for (const metric of METRICS[device % 4]!) {
      const [family, channel] = metric.split(':') as [string, string | undefined]
      batch.push({
        device: `dev-${device}`,
        building: 'b1',
        floor: 1,
        zone: 'z',
        kind: 'smoke_detector',
        metric,
        family,
        channel: channel ?? null,
        value: Math.random() * 100,
        ts: Math.round(ts),
        receivedAt: Math.round(ts),
        seq: made,
      } as unknown as Reading)
      made++
      if (batch.length === BATCH) {
        batches.push(batch)
        batch = []
      }
    }
  }
  if (batch.length > 0) batches.push(batch)
  return batches
}

function threadCpuMs(tid: number): number {
  const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

const dir = mkdtempSync(join(tmpdir(), 'firewatch-writer-bench-'))
try {
  const store = SqliteReadings.open({
    file: join(dir, 'readings.db'),
    log: pino({ level: 'warn' }),
    retentionDays: 30,
    clock: systemClock,
  })
  const batches = readings(TOTAL, Date.now() - 3_600_000)
  // Warm-up: the tables and series exist, the thread is compiled.
  await store.writeReadings(batches[0]!)
  const tids = readdirSync('/proc/self/task').map(Number)
  const cpuBefore = new Map(tids.map((t) => [t, threadCpuMs(t)]))
  const t0 = performance.now()
  for (const batch of batches.slice(1)) {
    const outcome = await store.writeReadings(batch)
    if (outcome.status !== 'written') throw new Error(`write failed: ${JSON.stringify(outcome)}`)
  }
  const wallMs = performance.now() - t0
  const written = TOTAL - batches[0]!.length
  // The writer thread is the one that spent the most CPU meanwhile (the main thread only packs).
  const spent = tids.map((t) => ({ t, ms: threadCpuMs(t) - cpuBefore.get(t)! })).sort((a, b) => b.ms - a.ms)
  const writer = spent.find((s) => s.t !== process.pid) ?? spent[0]!
  const main = spent.find((s) => s.t === process.pid)!
  process.stdout.write(`readings ${written}, wall ${wallMs.toFixed(0)} ms\n`)
  process.stdout.write(`main thread ${((main.ms * 1000) / written).toFixed(2)} µs/reading\n`)
  process.stdout.write(`sqlite_writer.cpu_us_per_reading ${((writer.ms * 1000) / written).toFixed(2)}\n`)
  await store.close()
} finally {
  rmSync(dir, { recursive: true, force: true })
}
