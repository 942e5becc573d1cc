import type Database from 'better-sqlite3'

/** An alert as the register quotes it. */
export interface AlertBrief {
  id: string
  building: string
  device: string
  floor: number
  zone: string
  class: string
  rule: string
  message: string
  state: string
  opened_at: number
  acknowledged_at: number | null
  resolved_at: number | null
}

const BRIEF =
  'id, building, device, floor, zone, class, rule, message, state, opened_at, acknowledged_at, resolved_at'

/**
 * What the register reads from the alert file (DATA_DIR/alerts.db, through the gateway's own
 * connection): never a write. Long-open alerts that become hazards, the alert history behind a
 * sensor close-out, and the figures of grades and reports. History is never rewritten, so a
 * figure of a past period reads the same whenever it is asked for.
 */
export class AlertReads {
  private readonly s: ReturnType<typeof statements>

  constructor(readonly db: Database.Database) {
    this.s = statements(db)
  }

  /** Active alerts of the rules opened at or before `openedBefore`. */
  longOpen(rules: readonly string[], openedBefore: number): AlertBrief[] {
    return this.s.longOpen.all(JSON.stringify(rules), openedBefore) as AlertBrief[]
  }

  /**
   * Alerts of a device (of the rules; every rule when none) active at any moment of [from, to],
   * newest first.
   */
  overlapping(device: string, rules: readonly string[], from: number, to: number): AlertBrief[] {
    return this.s.overlapping.all({
      device,
      rules: rules.length === 0 ? null : JSON.stringify(rules),
      from,
      to,
    }) as AlertBrief[]
  }

  /** Alerts of the building and classes active at any moment of [from, to), oldest first. */
  activeDuring(building: string, classes: readonly string[], from: number, to: number): AlertBrief[] {
    return this.s.activeDuring.all({ building, classes: JSON.stringify(classes), from, to }) as AlertBrief[]
  }

  /** Alerts of the building opened in [from, to), oldest first. */
  openedIn(building: string, from: number, to: number): AlertBrief[] {
    return this.s.openedIn.all(building, from, to) as AlertBrief[]
  }

  /** The note of the resolve of an alert (the wall writes a fire's disposition at its head). */
  resolveNote(alertId: string): string | null {
    const row = this.s.resolveNote.get(alertId) as { note: string | null } | undefined
    return row?.note ?? null
  }

  /** Patrol checks of a building sent in [from, to): sent, confirmed in time, missed. */
  patrols(building: string, from: number, to: number): { sent: number; confirmed: number; missed: number } {
    // The table is the scheduled work's, which may be made after this: looked for until it exists.
    this.patrolCounts ??= hasTable(this.db, 'patrol_checks') ? this.db.prepare(PATROL_COUNTS) : undefined
    if (!this.patrolCounts) return { sent: 0, confirmed: 0, missed: 0 }
    return this.patrolCounts.get(building, from, to) as { sent: number; confirmed: number; missed: number }
  }

  /** Whether the alert file holds incidents (alerting/incidents/): their dispositions come first. */
  hasIncidents(): boolean {
    return this.s.hasIncidents.get() !== undefined
  }

  /** Fire incidents of a building opened in [from, to) (not those folded into another), oldest first. */
  fireIncidents(building: string, from: number, to: number): AlarmRow[] {
    this.incidents ??= this.db.prepare(
      `SELECT opened_at, acknowledged_at, json_extract(disposition, '$.kind') AS disposition FROM incidents
        WHERE building = ? AND class = 'fire' AND merged_into IS NULL AND opened_at >= ? AND opened_at < ?
        ORDER BY opened_at, id`,
    )
    return this.incidents.all(building, from, to) as AlarmRow[]
  }

  /**
   * Device fire alarms of a building opened in [from, to), with the disposition the wall writes at
   * the head of a fire's resolve note (`[false_alarm/steam] ...`) before incidents carried it.
   */
  fireAlerts(building: string, from: number, to: number): AlarmRow[] {
    return (this.s.fireAlerts.all(building, from, to) as (AlarmRow & { note: string | null })[]).map((r) => ({
      opened_at: r.opened_at,
      acknowledged_at: r.acknowledged_at,
      disposition: /^\[(real_fire|false_alarm|test|unknown)[\]/]/.exec(r.note ?? '')?.[1] ?? null,
    }))
  }

  private incidents: Database.Statement | undefined
  private patrolCounts: Database.Statement | undefined
}

const PATROL_COUNTS = `SELECT count(*) AS sent,
    coalesce(sum(confirmed_at IS NOT NULL AND confirmed_at <= due_by), 0) AS confirmed,
    coalesce(sum(missed_at IS NOT NULL), 0) AS missed
  FROM patrol_checks WHERE building = ? AND sent_at >= ? AND sent_at < ?`

function hasTable(db: Database.Database, name: string): boolean {
  return db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined
}

/** A fire alarm as the grades and reports count it. */
export interface AlarmRow {
  opened_at: number
  acknowledged_at: number | null
  /** real_fire | false_alarm | test | unknown, or null when nobody said. */
  disposition: string | null
}

function statements(db: Database.Database) {
  const p = (sql: string) => db.prepare(sql)
  return {
    longOpen: p(
      `SELECT ${BRIEF} FROM alerts WHERE state <> 'resolved'
         AND rule IN (SELECT value FROM json_each(?)) AND opened_at <= ? ORDER BY opened_at, id`,
    ),
    overlapping: p(
      `SELECT ${BRIEF} FROM alerts WHERE device = @device
         AND (@rules IS NULL OR rule IN (SELECT value FROM json_each(@rules)))
         AND opened_at <= @to AND (resolved_at IS NULL OR resolved_at >= @from)
       ORDER BY opened_at DESC, id DESC`,
    ),
    activeDuring: p(
      `SELECT ${BRIEF} FROM alerts WHERE building = @building
         AND class IN (SELECT value FROM json_each(@classes))
         AND opened_at < @to AND (resolved_at IS NULL OR resolved_at > @from)
       ORDER BY opened_at, id`,
    ),
    openedIn: p(
      `SELECT ${BRIEF} FROM alerts WHERE building = ? AND opened_at >= ? AND opened_at < ? ORDER BY opened_at, id`,
    ),
    resolveNote: p(
      "SELECT note FROM alert_history WHERE alert_id = ? AND action = 'resolved' ORDER BY seq DESC LIMIT 1",
    ),
    hasIncidents: p("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'incidents'"),
    fireAlerts: p(
      `SELECT a.opened_at, a.acknowledged_at,
              (SELECT h.note FROM alert_history h WHERE h.alert_id = a.id AND h.action = 'resolved'
                ORDER BY h.seq DESC LIMIT 1) AS note
         FROM alerts a WHERE a.building = ? AND a.class = 'fire' AND a.scope = 'device'
          AND a.opened_at >= ? AND a.opened_at < ? ORDER BY a.opened_at, a.id`,
    ),
  }
}
