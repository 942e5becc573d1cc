import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

export const VICTORIA_METRICS = '/usr/bin/victoria-metrics'

/**
 * Flags of every VictoriaMetrics the tests start (the Debian binary or the container image).
 * - dedup.minScrapeInterval=1ms: a batch the gateway writes twice (it timed out but was applied)
 *   stays one sample per series and millisecond, as InfluxDB replaces a point with itself; without
 *   it VictoriaMetrics keeps both copies (README "How the storage tests get an InfluxDB").
 * - retentionPeriod=100y: the test readings are "now", but a shifted test clock may move them back.
 */
export const VICTORIA_FLAGS = ['-dedup.minScrapeInterval=1ms', '-retentionPeriod=100y', '-loggerLevel=WARN']

/** Debian's VictoriaMetrics, on a free loopback port with a temp storage dir. */
export interface VictoriaProcess {
  url: string
  /** SIGTERM and wait: the server flushes what it took and frees its port. */
  halt(): Promise<void>
  /** Starts it again on the same port and storage dir, after halt(). */
  restart(): Promise<void>
  stop(): Promise<void>
}

export async function startVictoriaProcess(): Promise<VictoriaProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-victoria-'))
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      return await supervise(dir, port, await launch(dir, port))
    } catch (err) {
      // Most likely the port was taken between freePort() and the server binding it.
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
    }
  }
}

async function supervise(dir: string, port: number, first: ChildProcess): Promise<VictoriaProcess> {
  let child: ChildProcess | null = first
  const onExit = () => child?.kill('SIGKILL')
  process.once('exit', onExit)
  const halt = async () => {
    if (child) await terminate(child)
    child = null
  }
  return {
    url: `http://127.0.0.1:${port}`,
    halt,
    async restart() {
      if (child) throw new Error('VictoriaMetrics is running: halt() it first')
      child = await launch(dir, port)
    },
    async stop() {
      process.off('exit', onExit)
      await halt()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}

async function launch(dir: string, port: number): Promise<ChildProcess> {
  const log = join(dir, 'victoria-metrics.log')
  const args = [
    `-httpListenAddr=127.0.0.1:${port}`,
    `-storageDataPath=${join(dir, 'data')}`,
    ...VICTORIA_FLAGS,
  ]
  const child = spawn(VICTORIA_METRICS, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  const out = createWriteStream(log, { flags: 'a' })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  const url = `http://127.0.0.1:${port}`
  const deadline = performance.now() + 20_000
  while (performance.now() < deadline && child.exitCode === null) {
    const ok = await fetch(`${url}/health`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) return child
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
  throw new Error(
    `victoria-metrics did not answer ${url}/health within 20 s (exit ${child.exitCode})\n${tail}`,
  )
}
