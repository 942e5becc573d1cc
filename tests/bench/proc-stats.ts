import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const ticksPerSecond = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/**
 * user + system CPU of a process (all its threads) in ms, from /proc/<pid>/stat; with `tid`, of that
 * one thread (the main thread's tid is the pid); null once gone.
 */
export function cpuMs(pid: number, tid?: number): number | null {
  try {
    const stat = readFileSync(
      tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`,
      'utf8',
    )
    // The command name may contain spaces and parentheses: fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    // utime and stime are fields 14 and 15 of proc(5), i.e. 11 and 12 after the name and state.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
  } catch {
    return null
  }
}

/** A field of /proc/<pid>/status in KiB, e.g. VmRSS or VmHWM; null once gone. */
export function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const match = readFileSync(`/proc/${pid}/status`, 'utf8').match(
      new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'),
    )
    return match ? Number(match[1]) : null
  } catch {
    return null
  }
}

/** Samples VmRSS every `everyMs` and keeps the peak. */
export class RssSampler {
  peakKb = 0
  private readonly timer: NodeJS.Timeout

  constructor(
    private readonly pid: number,
    everyMs = 200,
  ) {
    this.sample()
    this.timer = setInterval(() => this.sample(), everyMs)
  }

  stop(): number {
    clearInterval(this.timer)
    this.sample()
    return this.peakKb
  }

  private sample(): void {
    const kb = statusKb(this.pid, 'VmRSS')
    if (kb !== null && kb > this.peakKb) this.peakKb = kb
  }
}
