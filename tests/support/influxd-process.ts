import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './free-port.ts'

export const INFLUXD = '/usr/bin/influxd'

/** Debian's InfluxDB 1.6 server, started by a test on free loopback ports with a temp data dir. */
export interface InfluxdProcess {
  url: string
  /** SIGSTOP: the process holds its sockets but answers nothing (writes time out). */
  pause(): void
  /** SIGCONT after pause(). */
  resume(): void
  stop(): Promise<void>
}

export async function startInfluxd(): Promise<InfluxdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-influxd-'))
  for (let attempt = 1; ; attempt++) {
    const ports = { http: await freePort(), rpc: await freePort() }
    writeFileSync(join(dir, 'influxd.conf'), config(dir, ports))
    try {
      return await launch(dir, ports.http)
    } catch (err) {
      // Most likely a port taken between freePort() and influxd binding it: try other ports.
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
    }
  }
}

// Only what differs from the defaults: loopback ports, everything under the temp dir, no phoning home.
function config(dir: string, ports: { http: number; rpc: number }): string {
  return `reporting-disabled = true
bind-address = "127.0.0.1:${ports.rpc}"
[meta]
  dir = "${dir}/meta"
[data]
  dir = "${dir}/data"
  wal-dir = "${dir}/wal"
  query-log-enabled = false
[http]
  bind-address = "127.0.0.1:${ports.http}"
  log-enabled = false
[monitor]
  store-enabled = false
[continuous_queries]
  enabled = false
[logging]
  level = "warn"
`
}

async function launch(dir: string, port: number): Promise<InfluxdProcess> {
  const url = `http://127.0.0.1:${port}`
  const child = await spawnReady(dir, url)
  const exited =
    child.exitCode !== null
      ? Promise.resolve()
      : new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const onExit = () => child.kill('SIGKILL')
  process.once('exit', onExit)
  return {
    url,
    pause: () => child.kill('SIGSTOP'),
    resume: () => child.kill('SIGCONT'),
    async stop() {
      process.off('exit', onExit)
      child.kill('SIGCONT')
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function spawnReady(dir: string, url: string): Promise<ChildProcess> {
  const log = join(dir, 'influxd.log')
  const child = spawn(INFLUXD, ['run', '-config', join(dir, 'influxd.conf')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const out = createWriteStream(log, { flags: 'a' })
  child.stdout!.pipe(out)
  child.stderr!.pipe(out)
  const deadline = performance.now() + 20_000
  while (performance.now() < deadline) {
    if (child.exitCode !== null) break
    const ok = await fetch(`${url}/ping`).then(
      (r) => r.status === 204,
      () => false,
    )
    if (ok) return child
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  const tail = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : ''
  throw new Error(`influxd did not answer ${url}/ping within 20 s (exit ${child.exitCode})\n${tail}`)
}
