import { type ChildProcess, spawn } from 'node:child_process'
import { createWriteStream, type WriteStream } from 'node:fs'
import { join } from 'node:path'

export { freePort } from '../support/free-port.ts'

export interface Spawned {
  child: ChildProcess
  pid: number
  name: string
  logFile: string
  /** The last lines of stdout and stderr, for error messages. */
  tail(): string
  alive(): boolean
  /** Resolves with the first stdout/stderr line matching `pattern`. */
  waitForLine(pattern: RegExp, timeoutMs: number): Promise<string>
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/**
 * Every process the bench starts, each in its own process group (detached), so that stopping it
 * also stops what it started (npx, tsx's esbuild service). `stopAll` runs in the bench's finally.
 */
export class ChildGroup {
  private readonly running = new Set<Spawned>()

  constructor(private readonly logDir: string) {
    // Last resort if the bench itself dies between a spawn and its finally.
    process.once('exit', () => {
      for (const s of this.running) killGroup(s.pid, 'SIGKILL')
    })
  }

  spawn(
    name: string,
    command: string,
    args: string[],
    opts: { cwd: string; env?: NodeJS.ProcessEnv },
  ): Spawned {
    const child = spawn(command, args, {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    if (child.pid === undefined) throw new Error(`cannot start ${command}`)
    const logFile = join(this.logDir, `${name}.log`)
    const log: WriteStream = createWriteStream(logFile)
    const lines: string[] = []
    const watchers = new Set<(line: string) => void>()
    const onLine = (line: string) => {
      lines.push(line)
      if (lines.length > 40) lines.shift()
      for (const w of watchers) w(line)
    }
    for (const stream of [child.stdout!, child.stderr!]) {
      let partial = ''
      stream.on('data', (chunk: Buffer) => {
        log.write(chunk)
        const parts = (partial + chunk.toString('utf8')).split('\n')
        partial = parts.pop() ?? ''
        for (const line of parts) onLine(line)
      })
    }
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      // 'close', not 'exit': all of its output has been read by then.
      child.once('close', (code, signal) => resolve({ code, signal })),
    )
    const spawned: Spawned = {
      child,
      pid: child.pid,
      name,
      logFile,
      tail: () => lines.slice(-15).join('\n'),
      alive: () => child.exitCode === null && child.signalCode === null,
      exited,
      waitForLine: (pattern, timeoutMs) =>
        new Promise((resolve, reject) => {
          const found = lines.find((l) => pattern.test(l))
          if (found !== undefined) return resolve(found)
          const done = (error: Error | null, line = '') => {
            clearTimeout(timer)
            watchers.delete(watch)
            if (error) reject(error)
            else resolve(line)
          }
          const watch = (line: string) => pattern.test(line) && done(null, line)
          const timer = setTimeout(
            () => done(new Error(`${name}: no ${pattern} within ${timeoutMs} ms`)),
            timeoutMs,
          )
          watchers.add(watch)
          exited.then(({ code, signal }) =>
            done(new Error(`${name} exited (${signal ?? code})\n${spawned.tail()}`)),
          )
        }),
    }
    this.running.add(spawned)
    exited.then(() => {
      this.running.delete(spawned)
      log.end()
    })
    return spawned
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`. */
  async stop(s: Spawned, graceMs = 5000): Promise<void> {
    if (!this.running.has(s)) return
    killGroup(s.pid, 'SIGTERM')
    const timer = setTimeout(() => killGroup(s.pid, 'SIGKILL'), graceMs)
    await s.exited
    clearTimeout(timer)
    // The leader may exit before its group: make sure nothing of it is left.
    killGroup(s.pid, 'SIGKILL')
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.running].map((s) => this.stop(s)))
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal)
  } catch {
    // Already gone.
  }
}
