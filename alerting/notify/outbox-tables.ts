// The notification tables, in the alerts SQLite file: a job commits in the same transaction as the
// alert transition that caused it, and survives kill -9 with it (README.md, "Notifications: who
// gets what"). Times are epoch ms.

/**
 * What a job sends: a page (the first message of an incident to a person, or a step of its
 * escalation; `alert` for the rows older gateways wrote), a digest of folded pages, the all-clear
 * after an incident is resolved, or an update when the incident grew.
 */
export const JOB_KINDS = ['alert', 'digest', 'all_clear', 'update'] as const

/** The jobs table under `name` (a migration builds the new shape beside the old one). */
export function notifyJobsTableSql(name: string): string {
  return `
CREATE TABLE IF NOT EXISTS ${name} (
  id INTEGER PRIMARY KEY,
  -- incidentId:contact:channel:level:repeat for pages (:round appended after a class upgrade);
  -- incidentId:contact:channel:update:n; incidentId:contact:channel:all-clear;
  -- digest:contact:channel:alertId:level:repeat. Rows of older gateways name an alert id instead.
  job_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN (${JOB_KINDS.map((k) => `'${k}'`).join(', ')})),
  -- the incident's lead alert, whose history gets the 'notified' entries; digest: the alert whose
  -- folding started the digest
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  class TEXT NOT NULL,
  contact TEXT NOT NULL,
  channel TEXT NOT NULL,
  level INTEGER NOT NULL,
  repeat INTEGER NOT NULL,
  urgent INTEGER NOT NULL CHECK (urgent IN (0, 1)),
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed', 'cancelled', 'folded')),
  created_at INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  -- lease of the dispatcher that is sending it; released at start-up (one gateway per file)
  claimed_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  provider_id TEXT,
  last_error TEXT,
  finished_at INTEGER,
  -- folded jobs: the digest job that lists them
  digest_id INTEGER REFERENCES notify_jobs (id),
  -- push jobs: JSON array of subscription ids already delivered (not sent again on a retry)
  delivered_to TEXT,
  -- what the provider reported later about a sent message (Twilio status callback: delivered...)
  provider_status TEXT,
  provider_status_at INTEGER,
  -- the incident the job is about; null on rows of gateways that paged alerts one by one
  incident_id TEXT REFERENCES incidents (id)
) STRICT;
`
}

export const OUTBOX_TABLES_SQL = `
${notifyJobsTableSql('notify_jobs')}

CREATE INDEX IF NOT EXISTS notify_jobs_due ON notify_jobs (urgent DESC, due_at) WHERE state = 'pending';
CREATE INDEX IF NOT EXISTS notify_jobs_by_alert ON notify_jobs (alert_id, state);
CREATE INDEX IF NOT EXISTS notify_jobs_by_contact ON notify_jobs (contact, created_at);
CREATE INDEX IF NOT EXISTS notify_jobs_by_digest ON notify_jobs (digest_id) WHERE digest_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS notify_jobs_by_provider_id ON notify_jobs (provider_id) WHERE provider_id IS NOT NULL;

-- Provider reports that named a message id no job has yet: a status callback can overtake the
-- answer of the send that recorded the id. Applied when the id is recorded, else dropped after a
-- few minutes (delivery-reports.ts). report: the DeliveryReport as JSON.
CREATE TABLE IF NOT EXISTS notify_held_reports (
  id INTEGER PRIMARY KEY,
  channel TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  report TEXT NOT NULL,
  received_at INTEGER NOT NULL
) STRICT;

CREATE INDEX IF NOT EXISTS notify_held_reports_by_id ON notify_held_reports (provider_id, channel);
CREATE INDEX IF NOT EXISTS notify_held_reports_at ON notify_held_reports (received_at);

-- One row per alert that an older gateway notified on its own: where its escalation stood. Rows
-- still active are handed to their incident at start-up (incident-escalations.ts).
CREATE TABLE IF NOT EXISTS notify_escalations (
  alert_id TEXT PRIMARY KEY REFERENCES alerts (id),
  level INTEGER NOT NULL,
  repeat INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'exhausted')),
  next_at INTEGER NOT NULL,
  -- receipt of the reading that opened the alert: the start of the latency metrics
  started_at INTEGER NOT NULL,
  first_request_at INTEGER
) STRICT;

CREATE INDEX IF NOT EXISTS notify_escalations_due ON notify_escalations (next_at) WHERE state = 'active';

-- One row per incident that is paged: the policy (of the incident's class) it climbs, and where.
-- A class upgrade starts the new class's policy over (round + 1).
CREATE TABLE IF NOT EXISTS notify_incident_escalations (
  incident_id TEXT PRIMARY KEY REFERENCES incidents (id),
  -- the lead alert: the pages carry its text and its history records them
  alert_id TEXT NOT NULL REFERENCES alerts (id),
  class TEXT NOT NULL,
  round INTEGER NOT NULL,
  level INTEGER NOT NULL,
  repeat INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'exhausted')),
  next_at INTEGER NOT NULL,
  -- receipt of the reading that opened the incident: the start of the latency metrics
  started_at INTEGER NOT NULL,
  first_request_at INTEGER
) STRICT;

CREATE INDEX IF NOT EXISTS notify_incident_escalations_due ON notify_incident_escalations (next_at)
  WHERE state = 'active';

-- A channel of a contact that failed for good, for the address it failed on: changing the phone
-- or URL in the site file makes the channel usable again.
CREATE TABLE IF NOT EXISTS notify_bad_channels (
  contact TEXT NOT NULL,
  channel TEXT NOT NULL,
  address TEXT NOT NULL,
  since INTEGER NOT NULL,
  reason TEXT NOT NULL,
  PRIMARY KEY (contact, channel)
) STRICT;

CREATE TABLE IF NOT EXISTS push_subscriptions (
  id INTEGER PRIMARY KEY,
  contact TEXT NOT NULL,
  endpoint TEXT NOT NULL UNIQUE,
  p256dh TEXT NOT NULL,
  auth TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  created_by TEXT NOT NULL,
  bad_since INTEGER,
  bad_reason TEXT
) STRICT;

CREATE INDEX IF NOT EXISTS push_subscriptions_by_contact ON push_subscriptions (contact);

-- Spent acknowledgement links (single use). Rows outlive the links' expiry, then are pruned.
CREATE TABLE IF NOT EXISTS ack_links_spent (
  nonce TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  contact TEXT NOT NULL,
  spent_at INTEGER NOT NULL,
  incident_id TEXT
) STRICT;

CREATE INDEX IF NOT EXISTS ack_links_spent_at ON ack_links_spent (spent_at);

-- What a short acknowledgement link stands for: its token carries only the nonce and a MAC, so
-- that a link fits an SMS beside the text (ack-token.ts). Pruned after expiry. A link of an
-- incident (incident_id set; alert_id is its lead alert then) acknowledges the whole incident.
CREATE TABLE IF NOT EXISTS ack_links_issued (
  nonce TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  contact TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  incident_id TEXT
) STRICT;

CREATE INDEX IF NOT EXISTS ack_links_issued_expiry ON ack_links_issued (expires_at);
`

/** Indexes on the incident columns: created once the migrations have added those columns. */
export const OUTBOX_INCIDENT_INDEXES_SQL = `
CREATE INDEX IF NOT EXISTS notify_jobs_by_incident ON notify_jobs (incident_id, contact, kind)
  WHERE incident_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ack_links_issued_by_incident ON ack_links_issued (incident_id, contact)
  WHERE incident_id IS NOT NULL;
`
