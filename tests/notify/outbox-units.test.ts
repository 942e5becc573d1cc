import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { AlertStore } from '../../alerting/alert-store.ts'
import { ALERT_TABLES_SQL } from '../../alerting/alert-tables.ts'
import { retryDelayMs } from '../../alerting/notify/backoff.ts'

const dirs: string[] = []
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

describe('Retry backoff', () => {
  it('When attempts fail in a row, then the wait doubles from about 1 s with jitter, capped at 30 s for fire and 5 min otherwise', () => {
    const low = (n: number, urgent: boolean) => retryDelayMs(n, undefined, urgent, () => 0)
    const high = (n: number, urgent: boolean) => retryDelayMs(n, undefined, urgent, () => 1)
    expect([1, 2, 3, 4].map((n) => [low(n, true), high(n, true)])).toEqual([
      [500, 1000],
      [1000, 2000],
      [2000, 4000],
      [4000, 8000],
    ])
    expect(high(20, true)).toBe(30_000)
    expect(low(20, true)).toBe(15_000)
    expect(high(20, false)).toBe(300_000)
  })

  it('When the provider says Retry-After, then the wait is at least that long (at most an hour)', () => {
    expect(retryDelayMs(1, 45_000, true, () => 1)).toBe(45_000)
    expect(retryDelayMs(12, 100, false, () => 1)).toBe(300_000)
    expect(retryDelayMs(1, 86_400_000, false, () => 0)).toBe(3_600_000)
  })
})

describe('Alert history written by an older gateway', () => {
  it('When the history table predates the notified action, then opening the store migrates it and keeps every row', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fw-migrate-'))
    dirs.push(dir)
    const file = join(dir, 'alerts.db')
    const old = new Database(file)
    // The tables as the backbone wrote them, before `notified` existed.
    old.exec(ALERT_TABLES_SQL.replace(", 'notified'", ''))
    expect(old.prepare("SELECT sql FROM sqlite_master WHERE name = 'alert_history'").get()).not.toMatchObject(
      {
        sql: expect.stringContaining('notified'),
      },
    )
    old.exec(`INSERT INTO alerts VALUES ('A1', 'tower-a', 12, '12-east', 'ta-12-smoke-01', 'fire', 'smoke.alarm',
      'smoke_dbm', 0.3, 0.25, 'open', 1000, NULL, NULL, 1000, 'Smoke alarm', 1, 0, NULL);
      INSERT INTO alert_history VALUES (7, 'A1', 1000, 'opened', 'system', NULL, 0.3);`)
    old.close()
    const store = AlertStore.open(file)
    try {
      store.appendHistory('A1', {
        at: 2000,
        action: 'notified',
        actor: 'system',
        note: 'sms sent',
        value: null,
      })
      expect(store.db.prepare('SELECT seq, action, note FROM alert_history ORDER BY seq').all()).toEqual([
        { seq: 7, action: 'opened', note: null },
        { seq: 8, action: 'notified', note: 'sms sent' },
      ])
    } finally {
      store.close()
    }
  })
})
