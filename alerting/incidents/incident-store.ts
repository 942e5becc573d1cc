import type Database from 'better-sqlite3'
import { type ListFilter, listParams } from '../list-filter.ts'
import {
  INCIDENT_COLUMNS,
  type IncidentRecord,
  type IncidentRow,
  incidentFromRow,
  rowParams,
  type TimelineRecord,
} from './incident-record.ts'

export type IncidentFilter = ListFilter

type Statement = Database.Statement<unknown[], unknown>

/** Incidents and their timelines, in the alert store's SQLite file (same transactions). */
export class IncidentStore {
  private readonly byId: Statement
  private readonly byKey: Statement
  private readonly activeAll: Statement
  private readonly insertRow: Statement
  private readonly updateRow: Statement
  private readonly insertTimeline: Statement
  private readonly timelineOf: Statement
  private readonly maxId: Statement
  private readonly listStatements = new Map<string, Statement>()

  constructor(private readonly db: Database.Database) {
    this.byId = db.prepare(`SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE id = ?`)
    // Same WHERE as the partial unique index: answered from it.
    this.byKey = db.prepare(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE group_key = ? AND state <> 'resolved'`,
    )
    this.activeAll = db.prepare(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE state IN ('open', 'acknowledged') ORDER BY opened_at, id`,
    )
    const columns = INCIDENT_COLUMNS.split(', ')
    this.insertRow = db.prepare(
      `INSERT INTO incidents (${INCIDENT_COLUMNS}) VALUES (${columns.map((c) => `@${c}`).join(', ')})`,
    )
    this.updateRow = db.prepare(
      `UPDATE incidents SET ${columns
        .filter((c) => c !== 'id' && c !== 'building' && c !== 'opened_at')
        .map((c) => `${c} = @${c}`)
        .join(', ')} WHERE id = @id`,
    )
    this.insertTimeline = db.prepare(
      'INSERT INTO incident_timeline (incident_id, at, action, actor, alert_id, floor, note) ' +
        'VALUES (@incident, @at, @action, @actor, @alert, @floor, @note)',
    )
    this.timelineOf = db.prepare(
      'SELECT at, action, actor, alert_id AS alert, floor, note FROM incident_timeline WHERE incident_id = ? ORDER BY seq',
    )
    this.maxId = db.prepare('SELECT max(id) AS id FROM incidents')
  }

  get(id: string): IncidentRecord | undefined {
    const row = this.byId.get(id) as IncidentRow | undefined
    return row && incidentFromRow(row)
  }

  /** The active incident of a group key, if any. */
  activeByKey(key: string): IncidentRecord | undefined {
    const row = this.byKey.get(key) as IncidentRow | undefined
    return row && incidentFromRow(row)
  }

  /** Every open or acknowledged incident, oldest first. */
  active(): IncidentRecord[] {
    return (this.activeAll.all() as IncidentRow[]).map(incidentFromRow)
  }

  insert(r: IncidentRecord): void {
    this.insertRow.run(rowParams(r))
  }

  update(r: IncidentRecord): void {
    this.updateRow.run(rowParams(r))
  }

  appendTimeline(incident: string, entry: TimelineRecord): void {
    this.insertTimeline.run({ incident, ...entry })
  }

  timeline(id: string): TimelineRecord[] {
    return this.timelineOf.all(id) as TimelineRecord[]
  }

  newestId(): string | null {
    return (this.maxId.get() as { id: string | null }).id
  }

  /** Newest first. */
  list(filter: IncidentFilter): IncidentRecord[] {
    const params = listParams(filter)
    if (params === null) return []
    return (this.listStatement(Object.keys(params)).all(params) as IncidentRow[]).map(incidentFromRow)
  }

  private listStatement(keys: string[]): Statement {
    const key = keys.join(',')
    let statement = this.listStatements.get(key)
    if (statement) return statement
    const where = ['state IN (SELECT value FROM json_each(@states))']
    if (keys.includes('building')) where.push('building = @building')
    if (keys.includes('class')) where.push('class = @class')
    if (keys.includes('since')) where.push('opened_at >= @since')
    if (keys.includes('scope')) where.push('building IN (SELECT value FROM json_each(@scope))')
    if (keys.includes('hidden')) where.push('building NOT IN (SELECT value FROM json_each(@hidden))')
    statement = this.db.prepare(
      `SELECT ${INCIDENT_COLUMNS} FROM incidents WHERE ${where.join(' AND ')} ORDER BY opened_at DESC, id DESC LIMIT @limit`,
    )
    this.listStatements.set(key, statement)
    return statement
  }
}
