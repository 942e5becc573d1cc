const WINDOW = 64

/**
 * Remembers the last 64 sequence numbers of each device so that a repeated `seq` (a QoS 1
 * redelivery, a replaying device) is recognised as a duplicate. A device that restarts its
 * counter is detected by the gateway telling us about its new clean session (`reset`).
 */
export class SeqWindow {
  private readonly slots = new Map<string, Float64Array>()

  /** True when `seq` was already seen from this device; records it otherwise. */
  isDuplicate(device: string, seq: number): boolean {
    let slots = this.slots.get(device)
    if (!slots) {
      slots = new Float64Array(WINDOW).fill(-1)
      this.slots.set(device, slots)
    }
    const slot = seq % WINDOW
    if (slots[slot] === seq) return true
    slots[slot] = seq
    return false
  }

  /** The message with `seq` was not kept after all (cluster mode: the stream refused it): its resend is new. */
  forget(device: string, seq: number): void {
    const slots = this.slots.get(device)
    if (slots && slots[seq % WINDOW] === seq) slots[seq % WINDOW] = -1
  }

  reset(device: string): void {
    this.slots.delete(device)
  }
}
