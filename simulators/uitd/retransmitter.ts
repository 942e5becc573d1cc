/** How one sent frame ended: confirmed, denied (after the last try), never answered, or the connection closed. */
export type SendResult = 'confirmed' | 'denied' | 'unanswered' | 'closed'

export interface SendOutcome {
  result: SendResult
  serial: number
  /** Times the frame went out (1 + retransmissions). */
  attempts: number
}

interface Waiting {
  bytes: Buffer
  attempts: number
  denied: boolean
  timer: NodeJS.Timeout
  done: (result: SendResult) => void
}

/**
 * The UITD side of send/confirm (GB/T 26875.3 §6.5): a frame not confirmed within timeoutMs, or
 * denied, is sent again, at most `retries` times; then the send has failed. The standard suggests
 * 10 s and 3 retries.
 */
export class Retransmitter {
  private readonly waiting = new Map<number, Waiting>()

  constructor(
    private readonly write: (bytes: Buffer) => void,
    private readonly opts: { timeoutMs: number; retries: number },
  ) {}

  send(serial: number, bytes: Buffer): Promise<SendOutcome> {
    this.waiting.get(serial)?.done('unanswered')
    return new Promise((resolve) => {
      const entry: Waiting = {
        bytes,
        attempts: 1,
        denied: false,
        timer: setTimeout(() => this.again(serial), this.opts.timeoutMs),
        done: (result) => {
          clearTimeout(entry.timer)
          this.waiting.delete(serial)
          resolve({ result, serial, attempts: entry.attempts })
        },
      }
      this.waiting.set(serial, entry)
      this.write(bytes)
    })
  }

  confirmed(serial: number): boolean {
    const entry = this.waiting.get(serial)
    entry?.done('confirmed')
    return entry !== undefined
  }

  denied(serial: number): boolean {
    const entry = this.waiting.get(serial)
    if (!entry) return false
    entry.denied = true
    this.again(serial)
    return true
  }

  /** The connection is gone: what still waits ends 'denied' if it was denied, else 'closed'. */
  close(): void {
    for (const entry of [...this.waiting.values()]) entry.done(entry.denied ? 'denied' : 'closed')
  }

  private again(serial: number): void {
    const entry = this.waiting.get(serial)
    if (!entry) return
    if (entry.attempts > this.opts.retries) {
      entry.done(entry.denied ? 'denied' : 'unanswered')
      return
    }
    entry.attempts++
    entry.timer.refresh()
    this.write(entry.bytes)
  }
}
