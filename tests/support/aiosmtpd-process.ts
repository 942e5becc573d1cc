import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort, waitForListening } from './free-port.ts'

// Debian's interpreter, not whatever `python3` is first on PATH (pyenv and the like lack the module).
export const PYTHON3 = '/usr/bin/python3'
/** Where Debian's python3-aiosmtpd installs the module. */
export const AIOSMTPD = '/usr/lib/python3/dist-packages/aiosmtpd'

/** Debian's aiosmtpd, started by a test on a free loopback port, storing each message in a Maildir. */
export interface AiosmtpdProcess {
  host: string
  port: number
  /** The Maildir (new/, cur/, tmp/) aiosmtpd.handlers.Mailbox adds every accepted message to. */
  maildir: string
  /** SIGTERM, then SIGKILL if it has not gone in 3 s; removes the temp dir with the Maildir. */
  stop(): Promise<void>
}

export async function startAiosmtpd(): Promise<AiosmtpdProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'firewatch-aiosmtpd-'))
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(dir, await freePort())
    } catch (err) {
      // Most likely a port taken between freePort() and aiosmtpd binding it: try another one.
      if (attempt === 3) {
        rmSync(dir, { recursive: true, force: true })
        throw err
      }
    }
  }
}

async function launch(dir: string, port: number): Promise<AiosmtpdProcess> {
  const host = '127.0.0.1'
  const maildir = join(dir, 'maildir')
  // -n: started as root it would otherwise setuid to nobody, who cannot write the temp dir.
  const args = ['-m', 'aiosmtpd', '-n', '-l', `${host}:${port}`, '-c', 'aiosmtpd.handlers.Mailbox', maildir]
  const child = spawn(PYTHON3, args, { stdio: ['ignore', 'ignore', 'pipe'] })
  let stderr = ''
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const onExit = () => child.kill('SIGKILL')
  process.once('exit', onExit)
  const kill = async () => {
    process.off('exit', onExit)
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 3_000)
    await exited
    clearTimeout(timer)
  }
  try {
    await waitForListening({ what: 'aiosmtpd', host, port, timeoutMs: 10_000, exited: () => child.exitCode })
  } catch (err) {
    await kill()
    throw new Error(`${(err as Error).message}\n${stderr}`)
  }
  return {
    host,
    port,
    maildir,
    async stop() {
      await kill()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const aiosmtpdInstalled = (): boolean => existsSync(PYTHON3) && existsSync(AIOSMTPD)
