import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AlertStore } from '../../alerting/alert-store.ts'
import { ALERT_TABLES_SQL } from '../../alerting/alert-tables.ts'
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
      expect(indexes).toHaveLength(5)
      // Opening again finds the new shape and leaves it alone.
      expect(new OutboxStore(store.db).get(10)?.kind).toBe('all_clear')
    } finally {
      store.close()
    }
  })
})
