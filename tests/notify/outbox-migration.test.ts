import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AlertStore } from '../../alerting/alert-store.ts'
import { ALERT_TABLES_SQL } from '../../alerting/alert-tables.ts'
import { IncidentStore } from '../../alerting/incidents/incident-store.ts'
import { IncidentEscalations } from '../../alerting/notify/incident-escalations.ts'
import { OutboxStore } from '../../alerting/notify/outbox-store.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

// notify_jobs as the first notifications release wrote it: two kinds, no provider status.
const FIRST_JOBS_TABLE = `
CREATE TABLE notify_jobs (
  id INTEGER PRIMARY KEY,
  job_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest')),
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
  claimed_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  provider_id TEXT,
  last_error TEXT,
  finished_at INTEGER,
  digest_id INTEGER REFERENCES notify_jobs (id),
  delivered_to TEXT
) STRICT;`

describe('Outbox written by an older gateway', () => {
  it('When notify_jobs predates the all-clear, then opening the outbox rebuilds it, keeping every row, id and digest link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-outbox-migrate-'))
    dirs.push(dir)
    const file = join(dir, 'alerts.db')
    const old = new Database(file)
    old.pragma('foreign_keys = ON')
    old.exec(ALERT_TABLES_SQL)
    old.exec(FIRST_JOBS_TABLE)
    old.exec(`INSERT INTO alerts VALUES ('A1', 'tower-a', 12, '12-east', 'ta-12-smoke-01', 'warning', 'smoke.pre',
      'smoke_dbm', 0.2, 0.15, 'open', 1000, NULL, NULL, 1000, 'Smoke warning', 0, 0, NULL);
      INSERT INTO notify_jobs (id, job_key, kind, alert_id, class, contact, channel, level, repeat, urgent, state,
        created_at, due_at, provider_id) VALUES
        (4, 'digest:li-wei:sms:A1:0:0', 'digest', 'A1', 'warning', 'li-wei', 'sms', 0, 0, 0, 'pending', 1000, 5000, NULL),
        (9, 'A1:li-wei:sms:0:0', 'alert', 'A1', 'warning', 'li-wei', 'sms', 0, 0, 0, 'sent', 900, 900, 'SM1');
      UPDATE notify_jobs SET digest_id = 4 WHERE id = 9;`)
    old.close()

    const store = AlertStore.open(file)
    try {
      const outbox = new OutboxStore(store.db)
      expect(outbox.get(9)).toMatchObject({ job_key: 'A1:li-wei:sms:0:0', digest_id: 4, provider_id: 'SM1' })
      expect(outbox.byProviderId('sms', 'SM1')?.id).toBe(9)
      outbox.setProviderStatus(9, 'delivered', 2000)
      expect(outbox.get(9)).toMatchObject({ provider_status: 'delivered', provider_status_at: 2000 })
      const added = outbox.insert({
        job_key: 'A1:li-wei:sms:all-clear',
        kind: 'all_clear',
        alert_id: 'A1',
        incident_id: null,
        class: 'warning',
        contact: 'li-wei',
        channel: 'sms',
        level: 0,
        repeat: 0,
        urgent: 0,
        state: 'pending',
        created_at: 3000,
        due_at: 3000,
        digest_id: null,
      })
      expect(added).toMatchObject({ id: 10, kind: 'all_clear' })
      expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1)
      const indexes = store.db
        .prepare(
          "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'notify_jobs' AND sql IS NOT NULL",
        )
        .all()
      // The five of the first release, and the one by incident.
      expect(indexes).toHaveLength(6)
      // Opening again finds the new shape and leaves it alone.
      expect(new OutboxStore(store.db).get(10)?.kind).toBe('all_clear')
    } finally {
      store.close()
    }
  })

  it('When the file comes from the release before incidents, then every column of every row is kept and the incident columns are added', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-outbox-migrate-'))
    dirs.push(dir)
    const file = join(dir, 'alerts.db')
    // The alert tables and incidents as they are now; the notification tables as the release
    // before paging by incident wrote them.
    AlertStore.open(file).close()
    const old = new Database(file)
    old.exec(PREVIOUS_NOTIFY_TABLES)
    old.exec(`INSERT INTO incidents VALUES ('I1', 'tower-a', 'fire', 'open', 'fire:tower-a', 1000, NULL, NULL, NULL,
        NULL, '[12]', 'Fire alarm: Tower A 12F 12-east, Kitchen corridor', NULL, NULL, 1000);
      INSERT INTO alerts (id, building, floor, zone, device, class, rule, state, opened_at, updated_at, message,
        latched, repeats, incident_id) VALUES ('A1', 'tower-a', 12, '12-east', 'ta-12-smoke-01', 'fire',
        'smoke.alarm', 'open', 1000, 1000, 'Smoke alarm', 1, 0, 'I1');
      INSERT INTO incident_timeline (incident_id, at, action, actor, alert_id, floor, note) VALUES
        ('I1', 1000, 'opened', 'system', 'A1', 12, 'smoke.alarm');
      INSERT INTO notify_jobs (id, job_key, kind, alert_id, class, contact, channel, level, repeat, urgent, state,
        created_at, due_at, attempts, provider_id, finished_at, delivered_to, provider_status, provider_status_at)
        VALUES (7, 'A1:li-wei:sms:0:0', 'alert', 'A1', 'fire', 'li-wei', 'sms', 0, 0, 1, 'sent', 1000, 1000, 2,
        'SM7', 1500, '[]', 'delivered', 1600);
      INSERT INTO notify_escalations VALUES ('A1', 0, 1, 'active', 61000, 990, 1200);
      INSERT INTO ack_links_issued VALUES ('nonce00001', 'A1', 'li-wei', 90000);
      INSERT INTO ack_links_spent VALUES ('nonce00002', 'A1', 'li-wei', 2000);`)
    old.close()

    const store = AlertStore.open(file)
    try {
      const outbox = new OutboxStore(store.db)
      expect(outbox.get(7)).toMatchObject({
        job_key: 'A1:li-wei:sms:0:0',
        attempts: 2,
        provider_id: 'SM7',
        finished_at: 1500,
        delivered_to: '[]',
        provider_status: 'delivered',
        provider_status_at: 1600,
        incident_id: null,
      })
      const row = (sql: string) => store.db.prepare(sql).get()
      expect(row("SELECT * FROM ack_links_issued WHERE nonce = 'nonce00001'")).toMatchObject({
        alert_id: 'A1',
        incident_id: null,
      })
      expect(row("SELECT * FROM ack_links_spent WHERE nonce = 'nonce00002'")).toMatchObject({
        spent_at: 2000,
      })
      // The timeline keeps its entry and now takes the paging actions.
      const incidents = new IncidentStore(store.db)
      incidents.appendTimeline('I1', {
        at: 3000,
        action: 'escalated',
        actor: 'system',
        alert: 'A1',
        floor: null,
        note: 'n',
      })
      expect(incidents.timeline('I1').map((e) => e.action)).toEqual(['opened', 'escalated'])
      // The alert's escalation goes on as its incident's.
      const escalations = new IncidentEscalations(store.db)
      expect(escalations.adoptAlertEscalations()).toBe(1)
      expect(escalations.get('I1')).toMatchObject({
        alert_id: 'A1',
        level: 0,
        repeat: 1,
        state: 'active',
        next_at: 61000,
      })
      expect(row("SELECT state FROM notify_escalations WHERE alert_id = 'A1'")).toEqual({ state: 'stopped' })
    } finally {
      store.close()
    }
  })
})

// The notification tables of the release before paging by incident, and its incident timeline.
const PREVIOUS_NOTIFY_TABLES = `
DROP TABLE incident_timeline;
CREATE TABLE incident_timeline (
  seq INTEGER PRIMARY KEY,
  incident_id TEXT NOT NULL REFERENCES incidents (id),
  at INTEGER NOT NULL,
  action TEXT NOT NULL CHECK (action IN ('opened', 'member_added', 'floor_reached', 'class_changed',
    'acknowledged', 'resolved', 'merged', 'note')),
  actor TEXT NOT NULL,
  alert_id TEXT,
  floor INTEGER,
  note TEXT
) STRICT;
CREATE TABLE notify_jobs (
  id INTEGER PRIMARY KEY,
  job_key TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL CHECK (kind IN ('alert', 'digest', 'all_clear')),
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
  claimed_until INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  provider_id TEXT,
  last_error TEXT,
  finished_at INTEGER,
  digest_id INTEGER REFERENCES notify_jobs (id),
  delivered_to TEXT,
  provider_status TEXT,
  provider_status_at INTEGER
) STRICT;
CREATE TABLE notify_escalations (
  alert_id TEXT PRIMARY KEY REFERENCES alerts (id),
  level INTEGER NOT NULL,
  repeat INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('active', 'stopped', 'exhausted')),
  next_at INTEGER NOT NULL,
  started_at INTEGER NOT NULL,
  first_request_at INTEGER
) STRICT;
CREATE TABLE ack_links_spent (
  nonce TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  contact TEXT NOT NULL,
  spent_at INTEGER NOT NULL
) STRICT;
CREATE TABLE ack_links_issued (
  nonce TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  contact TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) STRICT;
`
