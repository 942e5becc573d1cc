import type { CronSchedule } from './cron-expression.ts'

/**
 * One schedule's place in time: its next start (CronSchedule.nextAfter), so a local minute repeated
 * by a fall-back change fires once and one skipped by a spring-forward change fires when it is
 * moved to. Driven by whoever looks (node-cron's wake-up, the engine's tick); it never reads the
 * clock. The first look reaches back `firstLookBackMs` before `now`, so a start that has just
 * come is not missed and a restart does not replay older ones.
 */
export class CronCursor {
  private next = Number.NaN

  constructor(
    readonly cron: CronSchedule,
    private readonly timezone: string,
    private readonly firstLookBackMs: number,
  ) {}

  /**
   * Every start in (previous look, now], oldest first. Starts more than `maxCatchUpMs` before now
   * are skipped (a stalled process does not replay a day of them).
   */
  due(now: number, maxCatchUpMs: number): number[] {
    this.begin(now)
    const starts: number[] = []
    if (this.next > now) return starts
    if (this.next < now - maxCatchUpMs) this.next = this.cron.nextAfter(now - maxCatchUpMs - 1, this.timezone)
    while (this.next <= now) {
      starts.push(this.next)
      this.next = this.cron.nextAfter(this.next, this.timezone)
    }
    return starts
  }

  /**
   * True when a start came in (previous look, now]; however many came (overdue after a blocked
   * event loop), they count once and the cursor moves to the first start after now.
   */
  dueOnce(now: number): boolean {
    this.begin(now)
    if (this.next > now) return false
    this.next = this.cron.nextAfter(now, this.timezone)
    return true
  }

  private begin(now: number): void {
    if (Number.isNaN(this.next)) this.next = this.cron.nextAfter(now - this.firstLookBackMs, this.timezone)
  }
}
