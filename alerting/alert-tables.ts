import { ALERT_CLASSES, ALERT_SCOPES, ALERT_STATES, HISTORY_ACTIONS } from './alert.ts'

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/**
 * Columns added by the fire-aware rules (docs/rules.md). Added by ALTER TABLE on every open, new file or
 * old (alert-migrations.ts), so a file written before them and a new one end up the same.
 */
export const ALERT_EXTENSION_COLUMNS = [
  { name: 'scope', type: `TEXT NOT NULL DEFAULT 'device' CHECK (scope IN (${list(ALERT_SCOPES)}))` },
  { name: 'evidence', type: 'TEXT' },
  { name: 'tags', type: 'TEXT' },
  { name: 'grouped_under', type: 'TEXT' },
  // The incident the alert belongs to (alerting/incidents/); null only in files from before them.
  { name: 'incident_id', type: 'TEXT' },
] as const

/**
 * The alert tables. Times are epoch ms. `IF NOT EXISTS` throughout, because the same file may
 * later hold the notification outbox, which must commit in the same transaction as the alert.
 */
export const ALERT_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS alerts (
  id TEXT PRIMARY KEY,
  building TEXT NOT NULL,
  floor INTEGER NOT NULL,
  zone TEXT NOT NULL,
  device TEXT NOT NULL,
  class TEXT NOT NULL CHECK (class IN (${list(ALERT_CLASSES)})),
  rule TEXT NOT NULL,
  metric TEXT,
  value REAL,
  threshold REAL,
  state TEXT NOT NULL CHECK (state IN (${list(ALERT_STATES)})),
  opened_at INTEGER NOT NULL,
  acknowledged_at INTEGER,
  resolved_at INTEGER,
  updated_at INTEGER NOT NULL,
  message TEXT NOT NULL,
  latched INTEGER NOT NULL CHECK (latched IN (0, 1)),
  repeats INTEGER NOT NULL,
  detail TEXT
) STRICT;

-- At most one active alert per device and rule (docs/protocol.md, "The Alert"); per scope and rule
-- for zone, floor and building alerts, whose device column holds the scope key
-- (alerting/fire/scope-key.ts). The lifecycle looks the active alert up through this index (same
-- WHERE clause), so it is both the guard and the fast path.
CREATE UNIQUE INDEX IF NOT EXISTS alerts_one_active ON alerts (device, rule) WHERE state <> 'resolved';

CREATE INDEX IF NOT EXISTS alerts_newest ON alerts (opened_at DESC, id DESC);
-- Resolved alerts pile up over the years; the desk mostly asks for the few active ones.
CREATE INDEX IF NOT EXISTS alerts_state_newest ON alerts (state, opened_at DESC, id DESC);

${historyTableSql('alert_history')}

CREATE INDEX IF NOT EXISTS alert_history_by_alert ON alert_history (alert_id, seq);
`

/** The history table under a name (a migration rebuilds it when HISTORY_ACTIONS grows). */
export function historyTableSql(name: string): string {
  return `CREATE TABLE IF NOT EXISTS ${name} (
  seq INTEGER PRIMARY KEY,
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  at INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN (${list(HISTORY_ACTIONS)})),
  actor TEXT NOT NULL,
  note TEXT,
  value REAL
) STRICT;`
}
