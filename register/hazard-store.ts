import type Database from 'better-sqlite3'
import type { EvidenceRow, HazardRow, HazardState, TrailAction, TrailRow } from './hazard.ts'

export type NewHazard = Omit<HazardRow, 'id' | 'code'>

export interface MonthFigures {
  opened: number
  closed: number
  overdue: number
  escalated: number
  openAtEnd: number
}

export interface HazardFilter {
  /** null: every building. */
  buildings: ReadonlySet<string> | null
  building?: string
  states?: readonly HazardState[]
  limit: number
}

/** Reads and writes of the hazard tables, statements prepared once; no rule of the workflow. */
export class HazardStore {
  private readonly s: ReturnType<typeof statements>

  constructor(readonly db: Database.Database) {
    this.s = statements(db)
  }

  /** Inserts with the next code of the year (`HZ-2026-0001`); call inside a transaction. */
  insert(row: NewHazard, year: number): HazardRow {
    const prefix = `HZ-${year}-`
    const { n } = this.s.countYear.get(`${prefix}%`) as { n: number }
    const code = `${prefix}${String(n + 1).padStart(4, '0')}`
    const { lastInsertRowid } = this.s.insert.run({ ...row, code })
    return this.get(Number(lastInsertRowid))!
  }

  get(id: number): HazardRow | undefined {
    return this.s.get.get(id) as HazardRow | undefined
  }

  byAlert(alertId: string): HazardRow | undefined {
    return this.s.byAlert.get(alertId) as HazardRow | undefined
  }

  /** Writes every mutable column of the row. */
  update(row: HazardRow): void {
    this.s.update.run(row)
  }

  /** The latest close-out evidence, no step and no trail line (the verdict did not change). */
  setVerification(id: number, json: string): void {
    this.s.setVerification.run(json, id)
  }

  list(filter: HazardFilter): HazardRow[] {
    const rows = this.s.list.all({
      scope: filter.buildings === null ? null : JSON.stringify([...filter.buildings]),
      building: filter.building ?? null,
      states: filter.states ? JSON.stringify(filter.states) : null,
      limit: filter.limit,
    }) as HazardRow[]
    return rows
  }

  /** Every hazard not closed, oldest first (the register's jobs walk these). */
  open(): HazardRow[] {
    return this.s.open.all() as HazardRow[]
  }

  trail(id: number, at: number, action: TrailAction, actor: string, line: Partial<TrailRow> = {}): void {
    this.s.trail.run({
      hazard_id: id,
      at,
      action,
      actor,
      from_state: line.from_state ?? null,
      to_state: line.to_state ?? null,
      note: line.note ?? null,
    })
  }

  trailOf(id: number): TrailRow[] {
    return this.s.trailOf.all(id) as TrailRow[]
  }

  /** Trail lines of one action in [from, to), of every hazard. */
  trailBetween(action: TrailAction, from: number, to: number): TrailRow[] {
    return this.s.trailBetween.all(action, from, to) as TrailRow[]
  }

  /** A building's hazards in [from, to): reported, closed, overdue, escalated; and open at `to`. */
  monthFigures(building: string, from: number, to: number): MonthFigures {
    const step = (action: TrailAction) => (this.s.stepsIn.get(building, action, from, to) as { n: number }).n
    return {
      opened: (this.s.reportedIn.get(building, from, to) as { n: number }).n,
      closed: step('verified'),
      overdue: step('overdue'),
      escalated: step('escalated'),
      openAtEnd: (this.s.openAt.get(building, to, to) as { n: number }).n,
    }
  }

  addEvidence(row: Omit<EvidenceRow, 'id'>): number {
    return Number(this.s.addEvidence.run(row).lastInsertRowid)
  }

  evidenceOf(id: number): EvidenceRow[] {
    return this.s.evidenceOf.all(id) as EvidenceRow[]
  }

  photoCount(id: number): number {
    return (this.s.photos.get(id) as { n: number }).n
  }

  evidence(hazardId: number, evidenceId: number): EvidenceRow | undefined {
    return this.s.evidence.get(evidenceId, hazardId) as EvidenceRow | undefined
  }
}

const MUTABLE = [
  'floor',
  'zone',
  'place',
  'category',
  'severity',
  'description',
  'state',
  'responsible',
  'responsible_contact',
  'watcher',
  'watcher_contact',
  'deadline',
  'deadline_at',
  'plan',
  'interim',
  'devices',
  'rules',
  'overdue_at',
  'escalated_at',
  'escalation_level',
  'supervisor',
  'updated_at',
  'submitted_by',
  'closed_at',
  'closed_by',
  'verification',
]
const INSERTED = [
  'code',
  'building',
  'source',
  'alert_id',
  'reported_at',
  'reported_by',
  ...MUTABLE.filter((c) => c !== 'state'),
  'state',
]

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    countYear: p('SELECT count(*) AS n FROM hazards WHERE code LIKE ?'),
    insert: p(
      `INSERT INTO hazards (${INSERTED.join(', ')}) VALUES (${INSERTED.map((c) => `@${c}`).join(', ')})`,
    ),
    get: p('SELECT * FROM hazards WHERE id = ?'),
    byAlert: p('SELECT * FROM hazards WHERE alert_id = ?'),
    setVerification: p('UPDATE hazards SET verification = ? WHERE id = ?'),
    update: p(`UPDATE hazards SET ${MUTABLE.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`),
    list: p(
      `SELECT * FROM hazards
        WHERE (@scope IS NULL OR building IN (SELECT value FROM json_each(@scope)))
          AND (@building IS NULL OR building = @building)
          AND (@states IS NULL OR state IN (SELECT value FROM json_each(@states)))
        ORDER BY reported_at DESC, id DESC LIMIT @limit`,
    ),
    open: p("SELECT * FROM hazards WHERE state <> 'closed' ORDER BY id"),
    trail: p(
      `INSERT INTO hazard_trail (hazard_id, at, action, actor, from_state, to_state, note)
       VALUES (@hazard_id, @at, @action, @actor, @from_state, @to_state, @note)`,
    ),
    trailOf: p('SELECT * FROM hazard_trail WHERE hazard_id = ? ORDER BY seq'),
    reportedIn: p(
      'SELECT count(*) AS n FROM hazards WHERE building = ? AND reported_at >= ? AND reported_at < ?',
    ),
    stepsIn: p(
      `SELECT count(DISTINCT t.hazard_id) AS n FROM hazard_trail t JOIN hazards h ON h.id = t.hazard_id
        WHERE h.building = ? AND t.action = ? AND t.at >= ? AND t.at < ?`,
    ),
    openAt: p(
      `SELECT count(*) AS n FROM hazards
        WHERE building = ? AND reported_at < ? AND (closed_at IS NULL OR closed_at >= ?)`,
    ),
    trailBetween: p('SELECT * FROM hazard_trail WHERE action = ? AND at >= ? AND at < ? ORDER BY seq'),
    addEvidence: p(
      `INSERT INTO hazard_evidence (hazard_id, kind, note, file, mime, bytes, sha256, added_at, added_by)
       VALUES (@hazard_id, @kind, @note, @file, @mime, @bytes, @sha256, @added_at, @added_by)`,
    ),
    evidenceOf: p('SELECT * FROM hazard_evidence WHERE hazard_id = ? ORDER BY id'),
    photos: p("SELECT count(*) AS n FROM hazard_evidence WHERE hazard_id = ? AND kind = 'photo'"),
    evidence: p('SELECT * FROM hazard_evidence WHERE id = ? AND hazard_id = ?'),
  }
}
