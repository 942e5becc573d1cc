import { parse } from 'node-cron'
import { type WallFields, wallFields } from './zone-clock.ts'

/**
 * A cron expression matched against local wall time (zone-clock.ts), parsed by node-cron itself so
 * that the expressions it schedules and the ones the jobs reason about are read the same way.
 * Minute resolution: a seconds field, if given, is ignored.
 */
export class CronMatch {
  private readonly minute: Set<number>
  private readonly hour: Set<number>
  private readonly dayOfMonth: Set<number>
  private readonly month: Set<number>
  private readonly dayOfWeek: Set<number>
  /** Vixie cron: with both day fields restricted, a day matching either one matches. */
  private readonly eitherDay: boolean

  constructor(readonly expression: string) {
    const f = parse(expression)
    this.minute = new Set(f.minute)
    this.hour = new Set(f.hour)
    this.dayOfMonth = new Set(f.dayOfMonth.map(Number))
    this.month = new Set(f.month)
    // node-cron numbers Sunday 0 or 7.
    this.dayOfWeek = new Set(f.dayOfWeek.map((d) => Number(d) % 7))
    this.eitherDay = this.dayOfMonth.size < 31 && this.dayOfWeek.size < 7
  }

  /** True when the expression fires in the local minute holding this wall time. */
  matchesWall(wall: number): boolean {
    return this.matches(wallFields(wall))
  }

  matches(t: WallFields): boolean {
    if (!this.minute.has(t.minute) || !this.hour.has(t.hour) || !this.month.has(t.month)) return false
    const dom = this.dayOfMonth.has(t.day)
    const dow = this.dayOfWeek.has(t.weekday)
    return this.eitherDay ? dom || dow : dom && dow
  }
}
