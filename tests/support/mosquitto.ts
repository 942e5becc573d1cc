import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForListening } from './free-port.ts'

const MOSQUITTO = '/usr/sbin/mosquitto'

export interface RunningMosquitto {
  url: string
  port: number
  /** SIGTERM, then SIGKILL if it has not gone in 3 s; removes the temp config. */
  stop(): Promise<void>
}

/**
 * Debian's mosquitto on a free loopback port, anonymous, no persistence: a second, independent
 * broker for record/replay tests. Fails (never skips) with how to install it when it is missing.
 */
export async function startMosquitto(): Promise<RunningMosquitto> {
  if (!existsSync(MOSQUITTO)) {
    throw new Error(
      `${MOSQUITTO} not found: install Debian's mosquitto (scripts/install-test-deps.sh does it)`,
    )
  }
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-mosquitto-'))
  const port = await freePort()
  const conf = join(dir, 'mosquitto.conf')
  // `user root` keeps 2.x (when started as root) from switching to a user that cannot read the temp dir.
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr']
  writeFileSync(conf, `${[...lines, 'log_type error', 'log_type warning', 'user root'].join('\n')}\n`)
  const child = spawn(MOSQUITTO, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
  const stderr: string[] = []
  child.stderr!.on('data', (chunk: Buffer) => stderr.push(chunk.toString()))
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
      await exited
      clearTimeout(timer)
    }
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    await waitForListening({ what: 'mosquitto', port, timeoutMs: 10_000, exited: () => child.exitCode })
  } catch (err) {
    await stop()
    throw new Error(`${(err as Error).message}\n${stderr.join('')}`)
  }
  return { url: `mqtt://127.0.0.1:${port}`, port, stop }
}
