/**
 * Frames of one UITD delivered lately, by serial number. A frame is a retransmission when a frame
 * with its serial AND the same data was delivered within the window: the serial alone is not
 * enough, because a UITD starts again from 0 on every new connection, and a fire alarm right after
 * a reconnect must not be taken for a copy of an old frame.
 */
export class RetransmitWindow {
  /** Map order is delivery order (a serial seen again moves to the end), so the oldest come first. */
  private readonly delivered = new Map<number, { data: Buffer; at: number }>()

  constructor(
    private readonly windowMs: number,
    private readonly maxEntries: number,
  ) {}

  isRetransmit(serial: number, data: Uint8Array, now: number): boolean {
    this.expire(now)
    return this.delivered.get(serial)?.data.equals(data) ?? false
  }

  remember(serial: number, data: Uint8Array, now: number): void {
    if (this.windowMs === 0) return
    this.delivered.delete(serial)
    this.delivered.set(serial, { data: Buffer.from(data), at: now })
    for (const oldest of this.delivered.keys()) {
      if (this.delivered.size <= this.maxEntries) break
      this.delivered.delete(oldest)
    }
  }

  private expire(now: number): void {
    for (const [serial, entry] of this.delivered) {
      if (now - entry.at < this.windowMs) break
      this.delivered.delete(serial)
    }
  }
}
