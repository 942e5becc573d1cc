import type Database from 'better-sqlite3'
import { isoTime } from '../alerting/clock-iso.ts'
import type { Logger } from '../alerting/deps.ts'
import type { SiteModel } from '../ingest/site/site-model.ts'
import type { ReadingsHistory } from '../ingest/store/history-query.ts'
import { alarmOutcomes } from './alarm-outcomes.ts'
import type { AlertReads } from './alert-reads.ts'
import { facilityIntactness } from './facility-intactness.ts'
import type { HazardStore } from './hazard-store.ts'
import { type GradeResult, gradeOf, type RiskFactor, type RiskGrade, type RiskInputs } from './risk-grade.ts'

const DAY_MS = 86_400_000
const HOUR_MS = 3_600_000

export type GradeReason = 'daily' | 'change' | 'start'

/** A grade as the API answers it (GET /api/v1/risk/grades, the history, the wall's badge). */
export interface GradeJson {
  building: string
  grade: RiskGrade
  score: number
  intactness: number | null
  factors: RiskFactor[]
  at: string
  reason: GradeReason
}

interface GradeRow {
  building: string
  at: number
  grade: RiskGrade
  score: number
  intactness: number | null
  factors: string
  reason: GradeReason
}

export interface RiskKeeperDeps {
  db: Database.Database
  site: SiteModel
  store: HazardStore
  alerts: AlertReads
  readings: ReadingsHistory
  /** False while nothing hears the fire panels (UITD_ENABLED=off): facility-intactness.ts. */
  panelsHeard?: boolean
  log: Logger
  /** A building's grade changed (the wall shows the new badge). */
  changed?(building: string): void
}

/**
 * Grades every building daily and after a change (a hazard's step, an alert of the building), and
 * keeps the history: a daily row always, a change row only when grade or score moved.
 */
export class RiskKeeper {
  private readonly intactness = new Map<string, { at: number; share: number | null }>()
  private readonly s: ReturnType<typeof statements>

  constructor(private readonly deps: RiskKeeperDeps) {
    this.s = statements(deps.db)
  }

  current(building: string): GradeJson | null {
    const row = this.s.latest.get(building) as GradeRow | undefined
    return row ? json(row) : null
  }

  /** The latest grade at or before `at` (a report's month end), or null. */
  gradeAt(building: string, at: number): GradeJson | null {
    const row = this.s.at.get(building, at) as GradeRow | undefined
    return row ? json(row) : null
  }

  history(buildings: readonly string[], from: number, limit: number): GradeJson[] {
    return (this.s.history.all(JSON.stringify(buildings), from, limit) as GradeRow[]).map(json)
  }

  /** Grades a building now; stores the row (always for daily and start, on a move for change). */
  async grade(building: string, now: number, reason: GradeReason): Promise<GradeJson> {
    const result = gradeOf(
      await this.inputs(building, now, reason !== 'change'),
      this.deps.site.file.register.grade,
    )
    const latest = this.current(building)
    const moved = !latest || latest.grade !== result.grade || latest.score !== result.score
    const row = rowOf(building, now, result, reason)
    if (reason !== 'change' || moved) this.s.insert.run(row)
    if (moved) this.deps.changed?.(building)
    return json(row)
  }

  /**
   * Grey buildings graded again (node-cron, every 5 minutes): a grey grade says too little is known,
   * and devices that start reporting raise no alert that would regrade the building otherwise.
   */
  async regradeGrey(now: number): Promise<void> {
    for (const b of this.deps.site.buildings) {
      if (this.current(b.id)?.grade === 'grey') await this.grade(b.id, now, 'change')
    }
  }

  /** The daily grades of every building (node-cron at register.grade.dailyAt). */
  async daily(now: number): Promise<void> {
    for (const b of this.deps.site.buildings) await this.grade(b.id, now, 'daily')
  }

  private async inputs(building: string, now: number, fresh: boolean): Promise<RiskInputs> {
    const settings = this.deps.site.file.register.grade
    const hazards = { escalated: 0, overdue_major: 0, overdue_general: 0, open_major: 0, open_general: 0 }
    for (const h of this.deps.store.open()) {
      if (h.building !== building) continue
      const key =
        h.escalated_at !== null
          ? 'escalated'
          : h.overdue_at !== null
            ? `overdue_${h.severity}`
            : `open_${h.severity}`
      hazards[key as keyof typeof hazards]++
    }
    const alarms = alarmOutcomes(this.deps.alerts, building, now - settings.incidentDays * DAY_MS, now)
    return {
      hazards,
      intactness: await this.intactnessOf(building, now, fresh),
      fires: alarms.fires,
      falseAlarms: alarms.falseAlarms,
      unexplained: alarms.unexplained,
      missedPatrols: this.deps.alerts.patrols(building, now - settings.patrolDays * DAY_MS, now).missed,
      openFaults: this.deps.alerts.activeDuring(building, ['fault'], now, now + 1).length,
    }
  }

  /**
   * Over the last 24 h; reused for an hour by grades after a change (it moves slowly), except while
   * it makes the building grey: devices coming back must lift the grey at the next change, not an
   * hour later.
   */
  private async intactnessOf(building: string, now: number, fresh: boolean): Promise<number | null> {
    const cached = this.intactness.get(building)
    const greyBelow = this.deps.site.file.register.grade.greyBelowIntactness
    const trusted = cached && (cached.share === null || cached.share >= greyBelow)
    if (!fresh && cached && trusted && now - cached.at < HOUR_MS) return cached.share
    const { share } = await facilityIntactness(this.deps, building, now - DAY_MS, now)
    this.intactness.set(building, { at: now, share })
    return share
  }
}

function rowOf(building: string, at: number, r: GradeResult, reason: GradeReason): GradeRow {
  const intactness = r.intactness === null ? null : Math.round(r.intactness * 1000) / 1000
  return {
    building,
    at,
    grade: r.grade,
    score: r.score,
    intactness,
    factors: JSON.stringify(r.factors),
    reason,
  }
}

function json(row: GradeRow): GradeJson {
  return {
    building: row.building,
    grade: row.grade,
    score: row.score,
    intactness: row.intactness,
    factors: JSON.parse(row.factors) as RiskFactor[],
    at: isoTime(row.at),
    reason: row.reason,
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    latest: p('SELECT * FROM risk_grades WHERE building = ? ORDER BY at DESC, seq DESC LIMIT 1'),
    at: p('SELECT * FROM risk_grades WHERE building = ? AND at <= ? ORDER BY at DESC, seq DESC LIMIT 1'),
    history: p(
      `SELECT * FROM risk_grades WHERE building IN (SELECT value FROM json_each(?)) AND at >= ?
        ORDER BY at DESC, seq DESC LIMIT ?`,
    ),
    insert: p(
      `INSERT INTO risk_grades (building, at, grade, score, intactness, factors, reason)
       VALUES (@building, @at, @grade, @score, @intactness, @factors, @reason)`,
    ),
  }
}

export { HOUR_MS }
