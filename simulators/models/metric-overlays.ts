import type { Prng } from './prng.ts'

/** The generic scenario steps that act on one metric of any device, whatever its kind. */
export type OverlayStep =
  | { do: 'set'; metric: string; value: number }
  | { do: 'ramp'; metric: string; to: number; over: number }
  | { do: 'noise'; metric: string; sd: number; for?: number }
  | { do: 'spike'; metric: string; to: number; for: number }
  | { do: 'release'; metric?: string }

interface Overlay {
  /** set / ramp: the value moves from `from` to `to` over `over` ms from `start`, then holds. */
  hold: { from: number; to: number; start: number; over: number } | null
  /** spike: the value is `to` until `until`, over anything else. */
  spike: { to: number; until: number } | null
  /** noise: Gaussian noise of `sd` is added until `until`. */
  noise: { sd: number; until: number } | null
}

/**
 * Scenario overlays on metric values. They stand for the physical world (a `set` of smoke_dbm is
 * smoke in the chamber), so the device's own decisions see them. Held values (set, ramp) stay
 * until `release`; spikes and noise end by themselves.
 */
export class MetricOverlays {
  private readonly byIndex = new Map<number, Overlay>()

  get size(): number {
    return this.byIndex.size
  }

  /** `current` is the value last reported, where a ramp starts from (NaN: start at the target). */
  apply(step: Exclude<OverlayStep, { do: 'release' }>, index: number, t: number, current: number): void {
    const o = this.overlayOf(index)
    switch (step.do) {
      case 'set':
        o.hold = { from: step.value, to: step.value, start: t, over: 0 }
        return
      case 'ramp':
        o.hold = { from: Number.isNaN(current) ? step.to : current, to: step.to, start: t, over: step.over }
        return
      case 'spike':
        o.spike = { to: step.to, until: t + step.for }
        return
      case 'noise':
        o.noise = { sd: step.sd, until: step.for === undefined ? Number.POSITIVE_INFINITY : t + step.for }
        return
    }
  }

  /** Removes every overlay of one metric, or of all metrics. */
  release(index: number | null): void {
    if (index === null) this.byIndex.clear()
    else this.byIndex.delete(index)
  }

  /** True when metric `index` has an overlay; a metric outside the model is reported only then. */
  has(index: number): boolean {
    return this.byIndex.has(index)
  }

  /** The value of metric `index` at t, given what the model measured (NaN when outside the model). */
  value(index: number, t: number, base: number, prng: Prng): number {
    const o = this.byIndex.get(index)
    if (o === undefined) return base
    let value = base
    if (o.hold !== null) {
      const h = o.hold
      const f = h.over <= 0 ? 1 : Math.min(1, (t - h.start) / h.over)
      value = h.from + (h.to - h.from) * f
    }
    if (o.spike !== null) {
      if (t < o.spike.until) value = o.spike.to
      else o.spike = null
    }
    if (o.noise !== null) {
      if (t < o.noise.until) value += prng.normal(o.noise.sd)
      else o.noise = null
    }
    if (o.hold === null && o.spike === null && o.noise === null) this.byIndex.delete(index)
    return value
  }

  private overlayOf(index: number): Overlay {
    let o = this.byIndex.get(index)
    if (o === undefined) {
      o = { hold: null, spike: null, noise: null }
      this.byIndex.set(index, o)
    }
    return o
  }
}
