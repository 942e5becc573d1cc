import type Database from 'better-sqlite3'
import { ALERT_CLASSES, ALERT_STATES } from '../alert.ts'
import { INCIDENT_ACTIONS } from './incident.ts'

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/** The timeline table under `name` (a migration builds the new shape beside the old one). */
function timelineTableSql(name: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${name} (
  seq INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  at INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN (${list(INCIDENT_ACTIONS)})),
  actor TEXT NOT NULL,
  alert_id TEXT,
  floor INTEGER,
  note TEXT
) STRICT;
`
}

/**
 * Incidents live in the alert store's SQLite file: an incident changes in the same transaction as
 * the alert transition that caused it, and survives kill -9 with it. Times are epoch ms.
 */
export const INCIDENT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS incidents (
  id TEXT PRIMARY KEY,
  building TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN (${list(ALERT_CLASSES)})),
  state TEXT NOT NULL CHECK (state IN (${list(ALERT_STATES)})),
  -- what the members have in common (alerting/incidents/incident-grouping.ts): one active
  -- incident per key, so two alerts of one situation can never open two incidents
  group_key TEXT NOT NULL,
  opened_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at INTEGER,
  resolved_by TEXT,
  -- JSON array of floors in the order reached
  floors TEXT NOT NULL,
  title TEXT NOT NULL,
  -- JSON Disposition, once resolved by a person
  disposition TEXT,
  merged_into TEXT REFERENCES incidents (id),
  updated_at INTEGER NOT NULL
) STRICT;

CREATE UNIQUE INDEX IF NOT EXISTS incidents_one_active ON incidents (group_key) WHERE state <> 'resolved';
CREATE INDEX IF NOT EXISTS incidents_newest ON incidents (opened_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS incidents_state_newest ON incidents (state, opened_at DESC, id DESC);
-- The all-clear of an incident also reaches those told of the incidents merged into it.
CREATE INDEX IF NOT EXISTS incidents_by_merged_into ON incidents (merged_into) WHERE merged_into IS NOT NULL;

${timelineTableSql('incident_timeline')}
CREATE INDEX IF NOT EXISTS incident_timeline_by_incident ON incident_timeline (incident_id, seq);
CREATE INDEX IF NOT EXISTS alerts_by_incident ON alerts (incident_id, opened_at, id);
`

/**
 * SQLite cannot change a CHECK constraint in place: when INCIDENT_ACTIONS gained an action (the
 * paging ones, `notified` and `escalated`), a file written before still refuses it. The timeline
 * is then rebuilt once, in one transaction, keeping every row and its seq.
 */
export function migrateIncidentTimeline(db: Database.Database): void {
  const row = db
    .prepare("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'incident_timeline'")
    .get() as { sql: string } | undefined
  if (!row || INCIDENT_ACTIONS.every((action) => row.sql.includes(`'${action}'`))) return
  db.transaction(() => {
    db.exec(timelineTableSql('incident_timeline_next'))
    db.exec(
      'INSERT INTO incident_timeline_next SELECT seq, incident_id, at, action, actor, alert_id, floor, note ' +
        'FROM incident_timeline',
    )
    db.exec('DROP TABLE incident_timeline')
    db.exec('ALTER TABLE incident_timeline_next RENAME TO incident_timeline')
    db.exec(
      'CREATE INDEX IF NOT EXISTS incident_timeline_by_incident ON incident_timeline (incident_id, seq)',
    )
  }).immediate()
}
