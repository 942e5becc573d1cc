/**
 * A binary min-heap of (time, device index) for the player: the earliest wake-up first, ties by
 * device index so that runs are repeatable. Entries are not removed when a device reschedules;
 * the player skips the stale ones (lazy deletion), which keeps rescheduling O(log n).
 */
export class WakeHeap {
  private readonly times: number[] = []
  private readonly ids: number[] = []

  get size(): number {
    return this.times.length
  }

  peekTime(): number {
    return this.times.length > 0 ? this.times[0]! : Number.POSITIVE_INFINITY
  }

  push(time: number, id: number): void {
    let i = this.times.length
    this.times.push(time)
    this.ids.push(id)
    while (i > 0) {
      const parent = (i - 1) >> 1
      if (!this.less(i, parent)) break
      this.swap(i, parent)
      i = parent
    }
  }

  /** Removes the earliest entry; returns its device index (-1 when empty). */
  pop(): number {
    const n = this.times.length
    if (n === 0) return -1
    const top = this.ids[0]!
    const lastTime = this.times.pop()!
    const lastId = this.ids.pop()!
    if (n > 1) {
      this.times[0] = lastTime
      this.ids[0] = lastId
      this.siftDown(0)
    }
    return top
  }

  private siftDown(start: number): void {
    const n = this.times.length
    let i = start
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < n && this.less(l, m)) m = l
      if (r < n && this.less(r, m)) m = r
      if (m === i) return
      this.swap(i, m)
      i = m
    }
  }

  private less(a: number, b: number): boolean {
    const ta = this.times[a]!
    const tb = this.times[b]!
    return ta < tb || (ta === tb && this.ids[a]! < this.ids[b]!)
  }

  private swap(a: number, b: number): void {
    const t = this.times[a]!
    this.times[a] = this.times[b]!
    this.times[b] = t
    const id = this.ids[a]!
    this.ids[a] = this.ids[b]!
    this.ids[b] = id
  }
}
