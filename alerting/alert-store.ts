import type Database from 'better-sqlite3'
import { FirewatchError, openPrivateSqlite } from '../ingest/index.ts'
import type { Alert, AlertHistoryEntry } from './alert.ts'
import { addAlertColumns, migrateAlertTables } from './alert-migrations.ts'
import {
  type AlertRecord,
  type AlertRow,
  alertFromRecord,
  type HistoryRecord,
  historyEntryFromRecord,
  paramsFromRecord,
  recordFromRow,
} from './alert-record.ts'
import { ALERT_TABLES_SQL } from './alert-tables.ts'
import { INCIDENT_TABLES_SQL, migrateIncidentTimeline } from './incidents/incident-tables.ts'
import { type ListFilter, listParams } from './list-filter.ts'

export type AlertFilter = ListFilter

export interface AlertStoreOptions {
  /** 'full' (default) survives power loss; 'normal' survives a process crash only (WAL). */
  synchronous?: 'full' | 'normal'
}

type Statement = Database.Statement<unknown[], unknown>

const COLUMNS =
  'id, building, floor, zone, device, class, rule, metric, value, threshold, state, opened_at, ' +
  'acknowledged_at, resolved_at, updated_at, message, latched, repeats, detail, scope, evidence, tags, ' +
  'grouped_under, incident_id'

/**
 * Alerts and their history in one SQLite file (WAL). The lifecycle owns the rules of the state
 * machine; this class only reads and writes rows, with statements prepared once.
 */
export class AlertStore {
  private readonly byId: Statement
  private readonly activeOf: Statement
  private readonly allActive: Statement
  private readonly insertAlert: Statement
  private readonly updateAlert: Statement
  private readonly insertHistory: Statement
  private readonly historyOf: Statement
  private readonly lastHistoryOf: Statement
  private readonly maxId: Statement
  private readonly groupedOf: Statement
  private readonly activeRuleOf: Statement
  private readonly membersOf: Statement
  private readonly listStatements = new Map<string, Statement>()

  private constructor(readonly db: Database.Database) {
    this.byId = db.prepare(`SELECT ${COLUMNS} FROM alerts WHERE id = ?`)
    // Same WHERE as the partial unique index, so SQLite answers from that index.
    this.activeOf = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE device = ? AND rule = ? AND state <> 'resolved'`,
    )
    this.allActive = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE state IN ('open', 'acknowledged') ORDER BY opened_at, id`,
    )
    this.insertAlert = db.prepare(
      `INSERT INTO alerts (${COLUMNS}) VALUES (${COLUMNS.split(', ')
        .map((c) => `@${c}`)
        .join(', ')})`,
    )
    this.updateAlert = db.prepare(
      'UPDATE alerts SET value = @value, threshold = @threshold, state = @state, ' +
        'acknowledged_at = @acknowledged_at, resolved_at = @resolved_at, updated_at = @updated_at, ' +
        'message = @message, latched = @latched, repeats = @repeats, detail = @detail, ' +
        'evidence = @evidence, tags = @tags, grouped_under = @grouped_under, incident_id = @incident_id ' +
        'WHERE id = @id',
    )
    this.insertHistory = db.prepare(
      'INSERT INTO alert_history (alert_id, at, action, actor, note, value) ' +
        'VALUES (@alertId, @at, @action, @actor, @note, @value)',
    )
    this.historyOf = db.prepare(
      'SELECT at, action, actor, note, value FROM alert_history WHERE alert_id = ? ORDER BY seq',
    )
    this.lastHistoryOf = db.prepare(
      'SELECT at, action, actor, note, value FROM alert_history WHERE alert_id = ? ORDER BY seq DESC LIMIT 1',
    )
    this.maxId = db.prepare('SELECT max(id) AS id FROM alerts')
    this.groupedOf = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE grouped_under = ? AND state <> 'resolved' ORDER BY opened_at, id`,
    )
    this.activeRuleOf = db.prepare(
      `SELECT ${COLUMNS} FROM alerts WHERE building = ? AND rule = ? AND state <> 'resolved' ORDER BY opened_at, id`,
    )
    this.membersOf = db.prepare(`SELECT ${COLUMNS} FROM alerts WHERE incident_id = ? ORDER BY opened_at, id`)
  }

  /** The alerts of an incident, oldest first (alerting/incidents/). */
  incidentMembers(incidentId: string): AlertRecord[] {
    return (this.membersOf.all(incidentId) as AlertRow[]).map(recordFromRow)
  }

  /** Opens (and creates) the store file, its directory and its tables. */
  static open(file: string, options: AlertStoreOptions = {}): AlertStore {
    let db: Database.Database | undefined
    try {
      db = openPrivateSqlite(file, options.synchronous === 'normal' ? 'NORMAL' : 'FULL')
      db.exec(ALERT_TABLES_SQL)
      addAlertColumns(db)
      migrateAlertTables(db)
      db.exec(INCIDENT_TABLES_SQL)
      migrateIncidentTimeline(db)
      return new AlertStore(db)
    } catch (err) {
      db?.close()
      throw new FirewatchError('FGW_ERR_ALERT_STORE', `cannot open the alert store ${file}`, { cause: err })
    }
  }

  /** Active alerts grouped under the given alert (storm control). */
  groupedUnder(headId: string): AlertRecord[] {
    return (this.groupedOf.all(headId) as AlertRow[]).map(recordFromRow)
  }

  /** Active alerts of one building and rule, oldest first. */
  activeOfRule(building: string, rule: string): AlertRecord[] {
    return (this.activeRuleOf.all(building, rule) as AlertRow[]).map(recordFromRow)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  /** Wraps fn in one write transaction (BEGIN IMMEDIATE: no lock upgrade that could fail midway). */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    const tx = this.db.transaction(fn)
    return (...args: A) => tx.immediate(...args) as R
  }

  findRecord(id: string): AlertRecord | undefined {
    const row = this.byId.get(id) as AlertRow | undefined
    return row && recordFromRow(row)
  }

  findActive(device: string, rule: string): AlertRecord | undefined {
    const row = this.activeOf.get(device, rule) as AlertRow | undefined
    return row && recordFromRow(row)
  }

  insert(record: AlertRecord): void {
    this.insertAlert.run(paramsFromRecord(record))
  }

  /** Writes the mutable fields; identity and location of an alert never change. */
  update(record: AlertRecord): void {
    this.updateAlert.run(paramsFromRecord(record))
  }

  appendHistory(alertId: string, entry: HistoryRecord): void {
    this.insertHistory.run({ alertId, ...entry })
  }

  lastHistory(alertId: string): HistoryRecord | undefined {
    return this.lastHistoryOf.get(alertId) as HistoryRecord | undefined
  }

  /** The greatest id stored, to keep new ids ordered after a restart. */
  newestId(): string | null {
    return (this.maxId.get() as { id: string | null }).id
  }

  get(id: string): Alert | undefined {
    const record = this.findRecord(id)
    return record && alertFromRecord(record)
  }

  list(filter: AlertFilter): Alert[] {
    const params = listParams(filter)
    if (params === null) return []
    const rows = this.listStatement(Object.keys(params)).all(params) as AlertRow[]
    return rows.map((row) => alertFromRecord(recordFromRow(row)))
  }

  history(id: string): AlertHistoryEntry[] {
    return (this.historyOf.all(id) as HistoryRecord[]).map(historyEntryFromRecord)
  }

  /** Every open or acknowledged alert, oldest first (start-up restores engine state from it). */
  active(): Alert[] {
    return (this.allActive.all() as AlertRow[]).map((row) => alertFromRecord(recordFromRow(row)))
  }

  /** One prepared statement per combination of filters used (at most 32), made on first use. */
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
      `SELECT ${COLUMNS} FROM alerts WHERE ${where.join(' AND ')} ` +
        'ORDER BY opened_at DESC, id DESC LIMIT @limit',
    )
    this.listStatements.set(key, statement)
    return statement
  }
}
