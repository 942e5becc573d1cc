/**
 * npm run bench -- wall: the sensor wall under load. A generated estate (50 buildings,
 * 5,000 devices), the gateway and the load generator each in their own process, and the wall in
 * Debian's chromium. Measures, per window of BENCH_WALL_WINDOW seconds:
 * - in the browser's own performance timeline (User Timing entries the wall writes when
 *   localStorage `firewatch.perf` is set, gateway/web/src/timing.ts): the handling of each stream
 *   event (parse + store) and of each animation-frame redraw, plus long tasks (> 50 ms);
 * - the gateway's CPU (/proc) with no wall connected and with the wall connected, alternating.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { buildWeb } from '../../gateway/web-bundle.ts'
import { launchChromium, type TestBrowser } from '../support/browser.ts'
import { BENCH_TOKEN } from './bench-site.ts'
import { type BenchContext, startTarget } from './broker-targets.ts'
import { ChildGroup } from './child-processes.ts'
import { medianOfRuns as median } from './median.ts'
import { cpuMs } from './proc-stats.ts'
import { writeWallSite } from './wall-site.ts'

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback)

interface WallConfig {
  buildings: number
  devices: number
  /** Device connections of the load generator (each a different device of the site). */
  connections: number
  /** Telemetry messages/s; a message carries 2-3 readings (the measured readings/s is printed). */
  rate: number
  windowSec: number
  /** Windows with the wall connected; as many without, interleaved. */
  rounds: number
}

function wallConfig(): WallConfig {
  return {
    buildings: num('BENCH_WALL_BUILDINGS', 50),
    devices: num('BENCH_WALL_DEVICES', 5000),
    connections: num('BENCH_WALL_CONNECTIONS', 1000),
    rate: num('BENCH_WALL_RATE', 800),
    windowSec: num('BENCH_WALL_WINDOW', 10),
    rounds: num('BENCH_WALL_ROUNDS', 2),
  }
}

interface BrowserFigures {
  events: number[]
  draws: number[]
  longTasks: number
  /** Durations of animation frames over 50 ms (script, style, layout and paint together). */
  longFrames: number[]
}

export async function runWallBench(say: (line: string) => void): Promise<number> {
  const cfg = wallConfig()
  const dir = mkdtempSync(join(os.tmpdir(), 'firewatch-wall-bench-'))
  const group = new ChildGroup(dir)
  let browser: TestBrowser | null = null
  try {
    await buildWeb()
    const siteFile = writeWallSite(dir, cfg.buildings, cfg.devices, 20)
    const ctx: BenchContext = { group, repoRoot: process.cwd(), dir, siteFile }
    say(`wall bench: load average ${os.loadavg()[0]!.toFixed(2)}, ${os.cpus().length} cores; logs in ${dir}`)
    say(
      `${cfg.buildings} buildings, ${cfg.devices} devices; ${cfg.connections} device connections sending ` +
        `${cfg.rate} telemetry messages/s (QoS 0); windows of ${cfg.windowSec} s, ${cfg.rounds} with the wall and ${cfg.rounds} without`,
    )
    const gateway = await startTarget('gateway', ctx, 'gateway')
    const seconds = 30 + cfg.windowSec * cfg.rounds * 2 * 2 + 30
    const load = group.spawn(
      'load',
      process.execPath,
      [
        ...['--import', 'tsx', 'simulators/load/load-cli.ts', '--url', gateway.url, '--site', siteFile],
        ...['--devices', String(cfg.connections), '--rate', String(cfg.rate), '--duration', String(seconds)],
        ...['--qos', '0', '--connect-timeout', '60'],
      ],
      { cwd: ctx.repoRoot },
    )
    await load.waitForLine(/"phase":"publishing"/, 120_000)
    await sleep(3000)
    browser = await launchChromium()
    const page = await browser.context.newPage()
    const accepted = () => readingsAccepted(gateway.http!)
    const without: number[] = []
    const withWall: number[] = []
    const perf: BrowserFigures = { events: [], draws: [], longTasks: 0, longFrames: [] }
    const building: BrowserFigures = { events: [], draws: [], longTasks: 0, longFrames: [] }
    let readings = { count: 0, seconds: 0 }
    for (let round = 0; round < cfg.rounds; round++) {
      await page.goto('about:blank')
      await sleep(1000)
      const before = await accepted()
      without.push(await cpuShare(gateway.process.pid, cfg.windowSec))
      readings = {
        count: readings.count + (await accepted()) - before,
        seconds: readings.seconds + cfg.windowSec,
      }
      await openWall(page, gateway.http!)
      withWall.push(await cpuShare(gateway.process.pid, cfg.windowSec))
      addFigures(perf, await collect(page))
      // The same load with one building open: its device cells recolour in place.
      await page.click('.tile >> nth=0')
      await page.waitForSelector('.cell')
      await clearTimeline(page)
      await sleep(cfg.windowSec * 1000)
      addFigures(building, await collect(page))
    }
    if (!load.alive() && (await load.exited).code !== 0)
      throw new Error(`load generator failed:\n${load.tail()}`)
    report(say, cfg, { without, withWall, perf, building, readingsPerSec: readings.count / readings.seconds })
    return 0
  } finally {
    await browser?.close()
    await group.stopAll()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function openWall(page: Page, http: string): Promise<void> {
  await page.goto(http)
  await page.evaluate((token) => {
    localStorage.setItem('firewatch.perf', '1')
    localStorage.setItem('firewatch.token', token)
  }, BENCH_TOKEN.token)
  await page.reload()
  await page.waitForSelector('#connection.live')
  await page.waitForSelector('.tile')
  await clearTimeline(page)
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number; longFrames: number[] }
    w.longTasks = 0
    w.longFrames = []
    new PerformanceObserver((list) => {
      w.longTasks += list.getEntries().length
    }).observe({ type: 'longtask' })
    // Long Animation Frames (Chromium 123+): a frame's whole cost, rendering included.
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) w.longFrames.push(e.duration)
    }).observe({ type: 'long-animation-frame' })
  })
}

function addFigures(into: BrowserFigures, more: BrowserFigures): void {
  into.events.push(...more.events)
  into.draws.push(...more.draws)
  into.longTasks += more.longTasks
  into.longFrames.push(...more.longFrames)
}

async function clearTimeline(page: Page): Promise<void> {
  await page.evaluate(() => {
    performance.clearMeasures()
    const w = window as unknown as { longTasks: number; longFrames: number[] }
    w.longTasks = 0
    w.longFrames = []
  })
}

async function collect(page: Page): Promise<BrowserFigures> {
  return page.evaluate(() => ({
    events: performance.getEntriesByName('wall:event').map((e) => e.duration),
    draws: performance.getEntriesByName('wall:draw').map((e) => e.duration),
    longTasks: (window as unknown as { longTasks: number }).longTasks,
    longFrames: (window as unknown as { longFrames: number[] }).longFrames,
  }))
}

/** The gateway's CPU over the next `seconds`, in % of one core. */
async function cpuShare(pid: number, seconds: number): Promise<number> {
  const start = cpuMs(pid)
  const t0 = performance.now()
  await sleep(seconds * 1000)
  const end = cpuMs(pid)
  if (start === null || end === null) throw new Error('the gateway is gone')
  return ((end - start) / (performance.now() - t0)) * 100
}

async function readingsAccepted(http: string): Promise<number> {
  const text = await (await fetch(`${http}/metrics`)).text()
  const line = text.split('\n').find((l) => l.startsWith('firewatch_readings_accepted_total '))
  return line ? Number(line.split(' ')[1]) : 0
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!
}

const ms = (v: number) => v.toFixed(2)

function report(
  say: (line: string) => void,
  cfg: WallConfig,
  r: {
    without: number[]
    withWall: number[]
    perf: BrowserFigures
    building: BrowserFigures
    readingsPerSec: number
  },
): void {
  const cost = median(r.withWall) - median(r.without)
  const windowSec = cfg.rounds * cfg.windowSec
  say(`readings accepted by the gateway: ${Math.round(r.readingsPerSec)}/s`)
  for (const [view, f] of [
    ['overview', r.perf],
    ['building', r.building],
  ] as const) {
    const { events, draws } = f
    say(`wall.${view}.event_ms (parse + store per stream event, n=${events.length}): ${spread(events)}`)
    say(`wall.${view}.draw_ms (redraw per animation frame, n=${draws.length}): ${spread(draws)}`)
    const frames = f.longFrames.length === 0 ? '' : `, longest ${Math.round(Math.max(...f.longFrames))} ms`
    say(`wall.${view}.long_tasks (> 50 ms) in ${windowSec} s: ${f.longTasks}`)
    say(
      `wall.${view}.long_frames (> 50 ms, rendering included) in ${windowSec} s: ${f.longFrames.length}${frames}`,
    )
  }
  say(`gateway CPU without wall, % of one core: ${list(r.without)} (median ${median(r.without).toFixed(1)})`)
  say(`gateway CPU with wall, % of one core: ${list(r.withWall)} (median ${median(r.withWall).toFixed(1)})`)
  say(`wall.stream_cost: ${cost.toFixed(1)} % of one core (target < 10); frame handling target < 16 ms`)
}

const spread = (v: number[]) =>
  `median ${ms(median(v))}, p95 ${ms(quantile(v, 0.95))}, max ${ms(Math.max(...v))}`
const list = (v: number[]) => v.map((x) => x.toFixed(1)).join(' / ')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
