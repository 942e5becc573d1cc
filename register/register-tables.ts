import { ESCALATION_LEVELS, HAZARD_SOURCES, HAZARD_STATES, TRAIL_ACTIONS } from './hazard.ts'

const list = (values: readonly string[]) => values.map((v) => `'${v}'`).join(', ')

/**
 * The register's tables, in its own SQLite file (DATA_DIR/register.db, WAL): the alarm path never
 * waits for a hazard's photo or a report, and the register reads the alert file only to quote it.
 * Every change of a hazard and its trail line commit in one transaction. Times are epoch ms.
 */
export const REGISTER_TABLES_SQL = `
CREATE TABLE IF NOT EXISTS hazards (
  id INTEGER PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  building TEXT NOT NULL,
  floor INTEGER,
  zone TEXT,
  place TEXT,
  category TEXT NOT NULL,
  severity TEXT NOT NULL CHECK (severity IN ('general', 'major')),
  description TEXT NOT NULL,
  source TEXT NOT NULL CHECK (source IN (${list(HAZARD_SOURCES)})),
  state TEXT NOT NULL CHECK (state IN (${list(HAZARD_STATES)})),
  responsible TEXT,
  responsible_contact TEXT,
  watcher TEXT,
  watcher_contact TEXT,
  deadline TEXT,
  deadline_at INTEGER,
  plan TEXT,
  interim TEXT,
  devices TEXT NOT NULL DEFAULT '[]',
  rules TEXT NOT NULL DEFAULT '[]',
  -- a hazard raised by a long-open alert: that alert (one hazard per alert)
  alert_id TEXT UNIQUE,
  overdue_at INTEGER,
  escalated_at INTEGER,
  escalation_level TEXT CHECK (escalation_level IN (${list(ESCALATION_LEVELS)})),
  supervisor TEXT,
  reported_at INTEGER NOT NULL,
  reported_by TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  submitted_by TEXT,
  closed_at INTEGER,
  closed_by TEXT,
  verification TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS hazards_open ON hazards (building, state) WHERE state <> 'closed';
CREATE INDEX IF NOT EXISTS hazards_reported ON hazards (reported_at);

CREATE TABLE IF NOT EXISTS hazard_trail (
  seq INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards (id),
  at INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN (${list(TRAIL_ACTIONS)})),
  actor TEXT NOT NULL,
  from_state TEXT,
  to_state TEXT,
  note TEXT
) STRICT;
CREATE INDEX IF NOT EXISTS hazard_trail_by_hazard ON hazard_trail (hazard_id, seq);
CREATE INDEX IF NOT EXISTS hazard_trail_by_time ON hazard_trail (action, at);

-- Notes and photos; a photo's file is under DATA_DIR/evidence/<hazard id>/ (written and synced
-- before its row commits, so a row never names a missing file).
CREATE TABLE IF NOT EXISTS hazard_evidence (
  id INTEGER PRIMARY KEY,
  hazard_id INTEGER NOT NULL REFERENCES hazards (id),
  kind TEXT NOT NULL CHECK (kind IN ('note', 'photo')),
  note TEXT,
  file TEXT,
  mime TEXT,
  bytes INTEGER,
  sha256 TEXT,
  added_at INTEGER NOT NULL,
  added_by TEXT NOT NULL
) STRICT;
CREATE INDEX IF NOT EXISTS hazard_evidence_by_hazard ON hazard_evidence (hazard_id, id);

-- Which notice (reminder, overdue, escalation, report) reached which contact: each goes out once.
CREATE TABLE IF NOT EXISTS register_notices (
  key TEXT NOT NULL,
  contact TEXT NOT NULL,
  sent_at INTEGER NOT NULL,
  PRIMARY KEY (key, contact)
) STRICT;

-- The risk grade history: one row per building and computation (daily, or after a change).
CREATE TABLE IF NOT EXISTS risk_grades (
  seq INTEGER PRIMARY KEY,
  building TEXT NOT NULL,
  at INTEGER NOT NULL,
  grade TEXT NOT NULL CHECK (grade IN ('green', 'grey', 'yellow', 'red')),
  score REAL NOT NULL,
  intactness REAL,
  -- JSON array of the factors behind the grade
  factors TEXT NOT NULL,
  reason TEXT NOT NULL CHECK (reason IN ('daily', 'change', 'start'))
) STRICT;
CREATE INDEX IF NOT EXISTS risk_grades_by_building ON risk_grades (building, at);

-- Monthly report deliveries: when each was due, sent and first opened through its tracked link.
CREATE TABLE IF NOT EXISTS report_deliveries (
  token TEXT PRIMARY KEY,
  period TEXT NOT NULL,
  scope TEXT NOT NULL,
  recipient TEXT NOT NULL,
  channel TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  sent_at INTEGER,
  opened_at INTEGER,
  opens INTEGER NOT NULL DEFAULT 0,
  UNIQUE (period, scope, recipient)
) STRICT;
`
