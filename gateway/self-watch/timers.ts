/**
 * The self-watch's timers, and the work they started, in one place: stop() clears every timer and
 * waits for what is under way, so that a stopping gateway never leaves a self-test half done.
 */
export class Timers {
  private readonly pending = new Set<NodeJS.Timeout>()
  private readonly underWay = new Set<Promise<unknown>>()
  private stopped = false

  /** Runs `work` now and then every `ms` (for the heartbeat: a steady beat). */
  every(ms: number, work: () => Promise<unknown>): void {
    this.track(work())
    const timer = setInterval(() => this.track(work()), ms)
    this.pending.add(timer)
  }

  /** Runs `work` now, and again `ms` after each run has finished: two runs never overlap. */
  repeatAfterEach(ms: number, work: () => Promise<unknown>): void {
    if (this.stopped) return
    void this.track(work()).finally(() => this.later(ms, () => this.repeatAfterEach(ms, work)))
  }

  /** Tries `attempt` every `ms` until it says it is done. */
  retryUntil(ms: number, attempt: () => boolean): void {
    this.later(ms, () => {
      if (!attempt()) this.retryUntil(ms, attempt)
    })
  }

  async stop(): Promise<void> {
    this.stopped = true
    for (const t of this.pending) clearTimeout(t)
    this.pending.clear()
    await Promise.allSettled([...this.underWay])
  }

  private later(ms: number, fn: () => void): void {
    if (this.stopped) return
    const timer = setTimeout(() => {
      this.pending.delete(timer)
      fn()
    }, ms)
    this.pending.add(timer)
  }

  /** Work that stop() waits for. */
  track<T>(work: Promise<T>): Promise<T> {
    const settled = work.catch(() => undefined)
    this.underWay.add(settled)
    void settled.finally(() => this.underWay.delete(settled))
    return work
  }
}
