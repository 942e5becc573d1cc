/** Device defaults when the site file gives none (docs/rules.md: 60 s heartbeat, 3 missed). */
export const DEFAULT_HEARTBEAT_SEC = 60
export const DEFAULT_OFFLINE_AFTER_MISSED = 3

export const BY_STATUS = 1
export const BY_SILENCE = 2
export type OfflineReason = typeof BY_STATUS | typeof BY_SILENCE

/** Called from tick() when a device goes offline; false when the alert could not be delivered. */
export type OfflineRaiser = (device: number, reason: OfflineReason, now: number) => boolean

/**
 * Liveness of every device, by index, in flat arrays so that tick() is one cheap pass
 * ([FIRE-RULE-6]). Times are gateway receipt times (reading.receivedAt, event.receivedAt,
 * status.at), the same clock as tick(now); device clocks play no part here.
 */
export class OfflineWatch {
  /** 1 while the offline alert of the device is raised. */
  readonly active: Uint8Array
  /** Last sign of life; NaN while the device has not been seen since the engine started. */
  private readonly lastSeen: Float64Array
  /** Arrival of an unanswered `offline`; NaN when there is none. */
  private readonly pendingSince: Float64Array
  private readonly silenceMs: Float64Array
  private readonly watched: Uint8Array

  /** silenceMs[i] <= 0 means device i is not watched (disabled device or rule). */
  constructor(
    silenceMs: readonly number[],
    private readonly startedAt: number,
    private readonly graceMs: number,
  ) {
    const n = silenceMs.length
    this.active = new Uint8Array(n)
    this.lastSeen = new Float64Array(n).fill(Number.NaN)
    this.pendingSince = new Float64Array(n).fill(Number.NaN)
    this.silenceMs = Float64Array.from(silenceMs)
    this.watched = Uint8Array.from(silenceMs, (ms) => (ms > 0 ? 1 : 0))
  }

  /** Any reading, event or `online`. True when this ended a raised offline alert. */
  seen(i: number, at: number): boolean {
    if (!(at <= this.lastSeen[i]!)) this.lastSeen[i] = at
    this.pendingSince[i] = Number.NaN
    if (this.active[i] === 0) return false
    this.active[i] = 0
    return true
  }

  /** A new MQTT connection of the device (status `online` from the broker). */
  connected(i: number, at: number): boolean {
    return this.seen(i, at)
  }

  /**
   * An `offline` status. Returns false when it is stale and ignored: it was received before the
   * device's latest sign of life (reordered). Otherwise the grace period starts. The Last Will of
   * a connection that a newer one replaced is dropped earlier, by the broker, which knows which
   * connection is current (gateway/mqtt/handlers/handle-publish.ts); a time window here would also
   * swallow the real loss of a connection that had just come up.
   */
  offline(i: number, at: number): boolean {
    if (this.watched[i] === 0) return true
    if (at < this.lastSeen[i]!) return false
    // A second offline while one is pending does not push the deadline back.
    if (Number.isNaN(this.pendingSince[i]!)) this.pendingSince[i] = at
    return true
  }

  /** One pass over all devices: raise the ones whose grace or silence has run out. */
  tick(now: number, raise: OfflineRaiser): void {
    const n = this.active.length
    for (let i = 0; i < n; i++) {
      if (this.watched[i] === 0 || this.active[i] === 1) continue
      const pending = this.pendingSince[i]!
      let reason: OfflineReason | 0 = 0
      if (now - pending >= this.graceMs) reason = BY_STATUS
      else {
        const seen = this.lastSeen[i]!
        if (now - (Number.isNaN(seen) ? this.startedAt : seen) >= this.silenceMs[i]!) reason = BY_SILENCE
      }
      if (reason === 0) continue
      this.active[i] = 1
      // Not delivered (the alert store failed): stay armed so the next tick tries again.
      if (!raise(i, reason, now)) this.active[i] = 0
    }
  }

  /** How long device i may stay silent, in ms. */
  silenceOf(i: number): number {
    return this.silenceMs[i]!
  }

  /** A person resolved the offline alert: it may raise again on a later tick. */
  rearm(i: number): void {
    this.active[i] = 0
  }

  /** The offline alert was open before a restart. True when that changed anything. */
  restore(i: number): boolean {
    if (this.watched[i] === 0 || this.active[i] === 1) return false
    this.active[i] = 1
    return true
  }
}
