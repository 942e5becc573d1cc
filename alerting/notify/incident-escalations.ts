import type Database from 'better-sqlite3'
import type { AlertClass } from '../alert.ts'

/** A row of notify_incident_escalations: where the paging of one incident stands. */
export interface IncidentEscalationRow {
  incident_id: string
  /** The lead alert: the pages carry its text, its history records them. */
  alert_id: string
  /** The class whose policy is climbed. */
  class: AlertClass
  /** 0, then one more at each class upgrade (the new class's policy starts over). */
  round: number
  level: number
  repeat: number
  state: 'active' | 'stopped' | 'exhausted'
  next_at: number
  started_at: number
  first_request_at: number | null
}

export type NewEscalation = Omit<IncidentEscalationRow, 'first_request_at' | 'level' | 'repeat'>

/**
 * Escalation per incident, in the alert store's file (same transactions as the jobs; OutboxStore
 * creates the table). One row per paged incident, kept after it stops: it remembers the class
 * told and the start of the latency metrics.
 */
export class IncidentEscalations {
  private readonly s: ReturnType<typeof statements>

  constructor(db: Database.Database) {
    this.s = statements(db)
  }

  get(incidentId: string): IncidentEscalationRow | undefined {
    return this.s.get.get(incidentId) as IncidentEscalationRow | undefined
  }

  /** Inserts the row of a newly paged incident; a row already there is kept (false). */
  start(row: NewEscalation): boolean {
    return this.s.start.run(row).changes > 0
  }

  /** A class upgrade: the new class's policy from its first level, one round on. */
  restart(incidentId: string, change: Pick<NewEscalation, 'alert_id' | 'class' | 'state' | 'next_at'>): void {
    this.s.restart.run({ incident_id: incidentId, ...change })
  }

  due(now: number, limit: number): IncidentEscalationRow[] {
    return this.s.due.all(now, limit) as IncidentEscalationRow[]
  }

  advance(incidentId: string, level: number, repeat: number, nextAt: number): void {
    this.s.advance.run(level, repeat, nextAt, incidentId)
  }

  setLead(incidentId: string, alertId: string): void {
    this.s.lead.run(alertId, incidentId)
  }

  /** Stops an active escalation; true when it was active. */
  stop(incidentId: string, state: 'stopped' | 'exhausted' = 'stopped'): boolean {
    return this.s.stop.run(state, incidentId).changes > 0
  }

  /** Records the incident's first provider request; returns its start time the first time only. */
  firstRequest(incidentId: string, at: number): number | null {
    const row = this.s.firstRequest.get(at, incidentId) as { started_at: number } | undefined
    return row ? row.started_at : null
  }

  /**
   * Start-up after an upgrade: escalations an older gateway kept per alert go on as their
   * incident's (the first one per incident), and stop as the alert's. Returns how many moved.
   */
  adoptAlertEscalations(): number {
    const moved = this.s.adopt.run().changes
    if (moved > 0) this.s.retire.run()
    return moved
  }
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    get: p('SELECT * FROM notify_incident_escalations WHERE incident_id = ?'),
    start: p(
      'INSERT OR IGNORE INTO notify_incident_escalations (incident_id, alert_id, class, round, level, repeat, ' +
        'state, next_at, started_at) VALUES (@incident_id, @alert_id, @class, @round, 0, 0, @state, @next_at, @started_at)',
    ),
    restart: p(
      'UPDATE notify_incident_escalations SET alert_id = @alert_id, class = @class, round = round + 1, level = 0, ' +
        'repeat = 0, state = @state, next_at = @next_at WHERE incident_id = @incident_id',
    ),
    due: p(
      "SELECT * FROM notify_incident_escalations WHERE state = 'active' AND next_at <= ? ORDER BY next_at LIMIT ?",
    ),
    advance: p(
      'UPDATE notify_incident_escalations SET level = ?, repeat = ?, next_at = ? WHERE incident_id = ?',
    ),
    lead: p('UPDATE notify_incident_escalations SET alert_id = ? WHERE incident_id = ?'),
    stop: p("UPDATE notify_incident_escalations SET state = ? WHERE incident_id = ? AND state = 'active'"),
    firstRequest: p(
      'UPDATE notify_incident_escalations SET first_request_at = ? WHERE incident_id = ? ' +
        'AND first_request_at IS NULL RETURNING started_at',
    ),
    adopt: p(
      'INSERT OR IGNORE INTO notify_incident_escalations (incident_id, alert_id, class, round, level, repeat, ' +
        'state, next_at, started_at, first_request_at) ' +
        "SELECT a.incident_id, e.alert_id, a.class, 0, e.level, e.repeat, 'active', e.next_at, e.started_at, " +
        'e.first_request_at FROM notify_escalations e JOIN alerts a ON a.id = e.alert_id ' +
        "WHERE e.state = 'active' AND a.incident_id IS NOT NULL ORDER BY e.started_at",
    ),
    retire: p(
      "UPDATE notify_escalations SET state = 'stopped' WHERE state = 'active' AND alert_id IN " +
        '(SELECT id FROM alerts WHERE incident_id IS NOT NULL)',
    ),
  }
}
