import type { DownlinkResult } from './uitd-metrics.ts'

interface Pending {
  bytes: Buffer
  retriesLeft: number
  timer: NodeJS.Timeout
  resolve: (result: DownlinkResult) => void
}

/**
 * Our own commands to one UITD (send/confirm mode, GB/T 26875.3 §6.5): each waits for the confirm
 * that echoes its serial number; no confirm within timeoutMs, or a deny, sends it again, up to
 * `retries` times. Serial numbers start at 0 on every connection, as the standard says.
 */
export class Downlink {
  private nextSerial = 0
  private readonly pending = new Map<number, Pending>()

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly opts: { timeoutMs: number; retries: number },
  ) {}

  /** Sends the frame built for the next serial; resolves with how it ended. */
  send(build: (serial: number) => Buffer): Promise<DownlinkResult> {
    const serial = this.nextSerial
    this.nextSerial = (this.nextSerial + 1) & 0xffff
    this.pending.get(serial)?.resolve('unanswered')
    const bytes = build(serial)
    return new Promise((resolve) => {
      const entry: Pending = {
        bytes,
        retriesLeft: this.opts.retries,
        timer: setTimeout(() => this.again(serial, 'unanswered'), this.opts.timeoutMs),
        resolve: (result) => {
          clearTimeout(entry.timer)
          this.pending.delete(serial)
          resolve(result)
        },
      }
      this.pending.set(serial, entry)
      this.write(bytes)
    })
  }

  /** A confirm from the UITD: true when it answered one of ours. */
  confirmed(serial: number): boolean {
    const entry = this.pending.get(serial)
    entry?.resolve('confirmed')
    return entry !== undefined
  }

  /** A deny from the UITD: true when it refused one of ours (which is then sent again). */
  denied(serial: number): boolean {
    if (!this.pending.has(serial)) return false
    this.again(serial, 'denied')
    return true
  }

  /** The connection ended: every command still waiting ends 'closed'. */
  close(): void {
    for (const entry of [...this.pending.values()]) entry.resolve('closed')
  }

  private again(serial: number, cause: 'denied' | 'unanswered'): void {
    const entry = this.pending.get(serial)
    if (!entry) return
    if (entry.retriesLeft <= 0) {
      entry.resolve(cause)
      return
    }
    entry.retriesLeft--
    entry.timer.refresh()
    this.write(entry.bytes)
  }
}
